import type { DailyRollup } from '#core/rollup';
import type { SignalType } from '#core/signals';
import { dayNumber, recencyWeight } from '../days.ts';

export interface RecentAverage {
  mean: number;
  responses: number;
}

/**
 * The mean of a valued signal (NPS, CSAT, scorecard), each answer weighted by its age so that last week's
 * answer outweighs one from last quarter. Null when nobody answered.
 */
export function recentAverage(
  rollups: readonly DailyRollup[],
  type: SignalType,
  today: number,
  halfLifeDays: number,
): RecentAverage | null {
  let weightedSum = 0;
  let totalWeight = 0;
  let responses = 0;
  for (const rollup of rollups) {
    const count = rollup.counts[type] ?? 0;
    if (count === 0) continue;
    const sum = rollup.sums[type];
    if (sum === undefined) continue;
    const weight = count * recencyWeight(today - dayNumber(rollup.day), halfLifeDays);
    weightedSum += (sum / count) * weight;
    totalWeight += weight;
    responses += count;
  }
  return responses === 0 ? null : { mean: weightedSum / totalWeight, responses };
}
