import * as z from 'zod';
import { type FieldError, formatPath } from '#core/validation';

/**
 * The review programme names what exists: defined segments, journey baseline milestones, and plays of kind
 * `invitation`. Reads only the pieces it needs from the raw input, so it reports even when other sections are broken.
 */

const named = z.record(z.string(), z.unknown());
const section = z.object({
  segments: named.optional(),
  plays: z.record(z.string(), z.object({ kind: z.unknown() }).loose()).optional(),
  journeyBaseline: z
    .object({ milestones: z.array(z.object({ id: z.unknown() }).loose()) })
    .loose()
    .optional(),
  reviews: z
    .object({
      segments: z.record(
        z.string(),
        z
          .object({
            cadence: z.array(z.object({ play: z.unknown() }).loose()).optional(),
            journeyEbrs: z.array(z.unknown()).optional(),
          })
          .loose(),
      ),
    })
    .loose()
    .optional(),
});

export function reviewProgrammeErrors(input: unknown): FieldError[] {
  const parsed = section.safeParse(input);
  if (!parsed.success || !parsed.data.reviews) return [];
  const { segments, plays, journeyBaseline, reviews } = parsed.data;
  const milestones = (journeyBaseline?.milestones ?? []).map((m) => m.id);
  const errors: FieldError[] = [];
  const at = (path: (string | number)[], message: string) =>
    errors.push({ path: formatPath(['reviews', 'segments', ...path]), message });
  for (const [segment, programme] of Object.entries(reviews.segments)) {
    if (segments && !(segment in segments)) {
      at([segment], `names segment "${segment}", which is not defined in segments`);
    }
    (programme.cadence ?? []).forEach((entry, index) => {
      if (typeof entry.play !== 'string' || !plays) return;
      const play = plays[entry.play];
      if (!play)
        at([segment, 'cadence', index, 'play'], `names play "${entry.play}", which plays does not define`);
      else if (play.kind !== 'invitation') {
        at(
          [segment, 'cadence', index, 'play'],
          `names play "${entry.play}", which is not of kind invitation`,
        );
      }
    });
    (programme.journeyEbrs ?? []).forEach((milestone, index) => {
      if (typeof milestone === 'string' && !milestones.includes(milestone)) {
        at(
          [segment, 'journeyEbrs', index],
          `names milestone "${milestone}", which journeyBaseline.milestones does not define`,
        );
      }
    });
  }
  return errors;
}
