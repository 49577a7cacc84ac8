import * as z from 'zod';
import { TIER_IDS } from '#core/health/vocabulary';
import { type FieldError, formatPath } from '#core/validation';

/**
 * Rules that span sections. Each check reads only the pieces it needs from the raw input, so it still
 * runs (and reports) when some unrelated part of the config is broken: one pass shows every problem.
 */

type Path = readonly (string | number)[];

const objectLike = z.record(z.string(), z.unknown());
const arrayLike = z.array(z.unknown());

function valueAt(input: unknown, path: Path): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof key === 'number') {
      const list = arrayLike.safeParse(current);
      current = list.success ? list.data[key] : undefined;
    } else {
      const record = objectLike.safeParse(current);
      current = record.success ? record.data[key] : undefined;
    }
  }
  return current;
}

function pick<T>(input: unknown, path: Path, schema: z.ZodType<T>): T | undefined {
  const parsed = schema.safeParse(valueAt(input, path));
  return parsed.success ? parsed.data : undefined;
}

const error = (path: Path, message: string): FieldError => ({ path: formatPath(path), message });

function definedSegments(input: unknown): string[] | undefined {
  const segments = pick(input, ['segments'], objectLike);
  return segments && Object.keys(segments);
}

function tierSegmentsAreDefined(input: unknown): FieldError[] {
  const defined = definedSegments(input);
  if (!defined || defined.length === 0) return [];
  return TIER_IDS.flatMap((tier) => {
    const path = ['segmentation', 'byTier', tier, 'segment'];
    const segment = pick(input, path, z.string());
    return segment === undefined || defined.includes(segment)
      ? []
      : [error(path, `names segment "${segment}", which is not defined in segments (${defined.join(', ')})`)];
  });
}

function windowsFitTheLookback(input: unknown): FieldError[] {
  const lookback = pick(input, ['health', 'lookbackDays'], z.number());
  const windows = pick(input, ['health', 'windows'], objectLike);
  if (lookback === undefined || !windows) return [];
  return Object.keys(windows).flatMap((name) => daysWithin(input, ['health', 'windows', name], lookback));
}

/** The days at `path`, if any, must fit inside the lookback: scoring reads no older rollups. */
function daysWithin(input: unknown, path: Path, lookback: number): FieldError[] {
  const days = pick(input, path, z.number());
  return days !== undefined && days > lookback
    ? [error(path, `must not exceed health.lookbackDays (${lookback}): scoring reads no older rollups`)]
    : [];
}

/** The own-history comparison reads both of its periods from the lookback's rollups. */
function ownHistoryFitsTheLookback(input: unknown): FieldError[] {
  const lookback = pick(input, ['health', 'lookbackDays'], z.number());
  const path = ['health', 'measures', 'ownHistory'];
  const recent = pick(input, [...path, 'recentDays'], z.number());
  const prior = pick(input, [...path, 'priorDays'], z.number());
  if (lookback === undefined || recent === undefined || prior === undefined || recent + prior <= lookback)
    return [];
  return [
    error(
      [...path, 'priorDays'],
      `recentDays + priorDays (${recent + prior}) must not exceed health.lookbackDays (${lookback}): scoring reads no older rollups`,
    ),
  ];
}

/** A custom measure of a metric reads its window from the lookback's rollups. */
function metricWindowsFitTheLookback(input: unknown): FieldError[] {
  const lookback = pick(input, ['health', 'lookbackDays'], z.number());
  const custom = pick(input, ['health', 'measures', 'custom'], arrayLike) ?? [];
  if (lookback === undefined) return [];
  return custom.flatMap((_, index) =>
    daysWithin(input, ['health', 'measures', 'custom', index, 'from', 'days'], lookback),
  );
}

function milestoneIds(input: unknown): (string | undefined)[] {
  const milestones = pick(input, ['journeyBaseline', 'milestones'], arrayLike) ?? [];
  return milestones.map((_, index) =>
    pick(input, ['journeyBaseline', 'milestones', index, 'id'], z.string()),
  );
}

function milestoneIdsAreUnique(input: unknown): FieldError[] {
  const seen = new Set<string>();
  return milestoneIds(input).flatMap((id, index) => {
    if (id === undefined) return [];
    const repeated = seen.has(id);
    seen.add(id);
    return repeated
      ? [error(['journeyBaseline', 'milestones', index, 'id'], `repeats milestone "${id}"`)]
      : [];
  });
}

function segmentOverridesNameMilestones(input: unknown): FieldError[] {
  const known = milestoneIds(input).filter((id) => id !== undefined);
  if (known.length === 0) return [];
  return (definedSegments(input) ?? []).flatMap((segment) => {
    const path = ['segments', segment, 'journeyBaseline', 'dueDays'];
    const dueDays = pick(input, path, objectLike) ?? {};
    return Object.keys(dueDays)
      .filter((id) => !known.includes(id))
      .map((id) =>
        error([...path, id], `names milestone "${id}", which journeyBaseline.milestones does not define`),
      );
  });
}

function expectedSharesCanAddUp(input: unknown): FieldError[] {
  const minimums = (definedSegments(input) ?? []).map(
    (segment) => pick(input, ['segments', segment, 'expectedShare', 'min'], z.number()) ?? 0,
  );
  const total = minimums.reduce((sum, min) => sum + min, 0);
  return total > 1
    ? [error(['segments'], `expected share minimums add up to ${Math.round(total * 100)}%, more than 100%`)]
    : [];
}

/** Journeys name defined segments, journeyBaseline milestones and defined plays; plays name defined templates. */
function journeysNameWhatExists(input: unknown): FieldError[] {
  const segments = definedSegments(input) ?? [];
  const milestones = milestoneIds(input).filter((id) => id !== undefined);
  const plays = Object.keys(pick(input, ['plays'], objectLike) ?? {});
  const templates = Object.keys(pick(input, ['templates'], objectLike) ?? {});
  const journeys = pick(input, ['journeys'], objectLike) ?? {};
  const errors: FieldError[] = [];
  for (const segment of Object.keys(journeys)) {
    if (segments.length > 0 && !segments.includes(segment)) {
      errors.push(
        error(['journeys', segment], `names segment "${segment}", which is not defined in segments`),
      );
    }
    const entries = pick(input, ['journeys', segment, 'milestones'], arrayLike) ?? [];
    entries.forEach((_, index) => {
      const path = ['journeys', segment, 'milestones', index];
      const milestone = pick(input, [...path, 'milestone'], z.string());
      if (milestone !== undefined && milestones.length > 0 && !milestones.includes(milestone)) {
        errors.push(
          error(
            [...path, 'milestone'],
            `names milestone "${milestone}", which journeyBaseline.milestones does not define`,
          ),
        );
      }
      for (const when of ['onAchieved', 'onLate', 'onMissed']) {
        const named = pick(input, [...path, when], z.array(z.string())) ?? [];
        named.forEach((play, at) => {
          if (!plays.includes(play)) {
            errors.push(error([...path, when, at], `names play "${play}", which plays does not define`));
          }
        });
      }
    });
  }
  for (const play of plays) {
    const template = pick(input, ['plays', play, 'template'], z.string());
    if (template !== undefined && !templates.includes(template)) {
      errors.push(
        error(['plays', play, 'template'], `names template "${template}", which templates does not define`),
      );
    }
  }
  return errors;
}

/** A critical finding limited to segments names segments that exist: otherwise it would never apply, silently. */
function criticalFindingsNameSegments(input: unknown): FieldError[] {
  const defined = definedSegments(input);
  const findings = pick(input, ['health', 'criticalFindings'], arrayLike);
  if (!defined || !findings) return [];
  return findings.flatMap((_, index) => {
    const listed = pick(input, ['health', 'criticalFindings', index, 'segments'], z.array(z.string())) ?? [];
    return listed.flatMap((segment, at) =>
      defined.includes(segment)
        ? []
        : [
            error(
              ['health', 'criticalFindings', index, 'segments', at],
              `names segment "${segment}", which is not defined in segments (${defined.join(', ')})`,
            ),
          ],
    );
  });
}

export function crossFieldErrors(input: unknown): FieldError[] {
  return [
    ...criticalFindingsNameSegments(input),
    ...journeysNameWhatExists(input),
    ...tierSegmentsAreDefined(input),
    ...windowsFitTheLookback(input),
    ...ownHistoryFitsTheLookback(input),
    ...metricWindowsFitTheLookback(input),
    ...milestoneIdsAreUnique(input),
    ...segmentOverridesNameMilestones(input),
    ...expectedSharesCanAddUp(input),
  ];
}
