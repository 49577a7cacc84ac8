import type { Config } from '#config/schema';
import type { SegmentAssignment } from './types.ts';

export interface SegmentShare {
  segment: string;
  accounts: number;
  share: number;
  expected: { min: number; max: number } | null;
  /** Whether the share sits inside the expected range (seed 003); null when none is configured. */
  withinExpected: boolean | null;
}

/**
 * How the portfolio spreads over segments against the expected shares (seed 003: Strategic 5-10%,
 * Core 15-30%, Transactional 40-60%): a hint for tuning ARR thresholds, never a rule.
 */
export function segmentMix(config: Config, assignments: readonly SegmentAssignment[]): SegmentShare[] {
  const total = assignments.length;
  return Object.entries(config.segments).map(([segment, definition]) => {
    const accounts = assignments.filter((assignment) => assignment.segment === segment).length;
    const share = total === 0 ? 0 : accounts / total;
    const expected = definition.expectedShare ?? null;
    const withinExpected = expected && total > 0 ? share >= expected.min && share <= expected.max : null;
    return { segment, accounts, share, expected, withinExpected };
  });
}
