import { addDays } from './days.ts';
import { round1 } from './deviation.ts';
import type { PriorScore, TrendPoint } from './types.ts';

/** The trend's horizons in days; a snapshot compares its score with the score this long ago. */
export const TREND_HORIZONS = [7, 30, 90] as const;

/**
 * Change against the latest score from at least N days ago, but no more than 2N (a 90-day trend against
 * a score from a year ago would mislead). Null when there is none, or either score is unknown.
 */
export function scoreTrend(score: number | null, history: readonly PriorScore[], now: Date): TrendPoint[] {
  return TREND_HORIZONS.map((days) => {
    const newest = addDays(now, -days).getTime();
    const oldest = addDays(now, -2 * days).getTime();
    const then = history
      .filter((prior) => {
        const at = Date.parse(prior.at);
        return at <= newest && at >= oldest;
      })
      // Two scores at one instant: the lower one, so that the input order never matters.
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.score ?? -1) - (b.score ?? -1))[0];
    if (!then) return { days, change: null, comparedWith: null };
    const change = score === null || then.score === null ? null : round1(score - then.score);
    return { days, change, comparedWith: then.at };
  });
}
