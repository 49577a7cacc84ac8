import * as z from 'zod';
import { type FieldError, formatPath } from '#core/validation';

/**
 * Tips name what exists: a segment's cadence names a play of kind `tip` that reaches contacts (not a CSM notice),
 * and each feature of `tips.features` is listed once and names a defined template. Reads only the pieces it needs
 * from the raw input, so it reports even when other sections are broken.
 */

const section = z.object({
  plays: z.record(z.string(), z.object({ kind: z.unknown(), channel: z.unknown() }).loose()).optional(),
  templates: z.record(z.string(), z.unknown()).optional(),
  journeys: z
    .record(z.string(), z.object({ tips: z.object({ play: z.unknown() }).loose().nullish() }).loose())
    .optional(),
  tips: z
    .object({ features: z.array(z.object({ feature: z.unknown(), template: z.unknown() }).loose()) })
    .loose()
    .optional(),
});

export function tipErrors(input: unknown): FieldError[] {
  const parsed = section.safeParse(input);
  if (!parsed.success) return [];
  const { plays, templates, journeys, tips } = parsed.data;
  const errors: FieldError[] = [];
  const at = (path: (string | number)[], message: string) => errors.push({ path: formatPath(path), message });
  for (const [segment, journey] of Object.entries(journeys ?? {})) {
    const playId = journey.tips?.play;
    if (typeof playId !== 'string' || !plays) continue;
    const path = ['journeys', segment, 'tips', 'play'];
    const play = plays[playId];
    if (!play) at(path, `names play "${playId}", which plays does not define`);
    else if (play.kind !== 'tip') at(path, `names play "${playId}", which is not of kind tip`);
    else if (play.channel === 'csm_notice') {
      at(
        path,
        `names play "${playId}", a CSM notice: a tip goes to the account's contacts (email or in_app)`,
      );
    }
  }
  const seen = new Set<unknown>();
  (tips?.features ?? []).forEach((entry, index) => {
    if (seen.has(entry.feature)) {
      at(['tips', 'features', index, 'feature'], `lists feature "${String(entry.feature)}" a second time`);
    }
    seen.add(entry.feature);
    if (typeof entry.template === 'string' && templates && !(entry.template in templates)) {
      at(
        ['tips', 'features', index, 'template'],
        `names template "${entry.template}", which templates does not define`,
      );
    }
  });
  return errors;
}
