import { z } from 'zod';
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
  return Object.keys(windows).flatMap((name) => {
    const path = ['health', 'windows', name];
    const days = pick(input, path, z.number());
    return days !== undefined && days > lookback
      ? [error(path, `must not exceed health.lookbackDays (${lookback}): scoring reads no older rollups`)]
      : [];
  });
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

export function crossFieldErrors(input: unknown): FieldError[] {
  return [
    ...tierSegmentsAreDefined(input),
    ...windowsFitTheLookback(input),
    ...milestoneIdsAreUnique(input),
    ...segmentOverridesNameMilestones(input),
    ...expectedSharesCanAddUp(input),
  ];
}
