import type { Config } from '#config/schema';
import type { DailyRollup } from '#core/rollup';
import { dayNumber, withinDays } from './days.ts';
import { assignSegment } from './segmentation.ts';
import type { ScoringInput, SegmentAssignment } from './types.ts';

/** Everything a component reads about one account at one instant. */
export interface AccountContext {
  config: Config;
  input: ScoringInput;
  segment: SegmentAssignment;
  now: Date;
  today: number;
  /** Days since go-live; negative before it. */
  daysLive: number;
  /** The lookback's rollups, oldest first, one per day. */
  rollups: DailyRollup[];
}

function byDay(a: DailyRollup, b: DailyRollup): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  return a.signalCount - b.signalCount;
}

export function accountContext(config: Config, input: ScoringInput, now: Date): AccountContext {
  const { account } = input;
  const foreign = input.rollups.find((rollup) => rollup.accountId !== account.id);
  if (foreign)
    throw new Error(`rollup of account ${foreign.accountId} passed to score account ${account.id}`);
  const today = dayNumber(now);
  const oneADay = new Map<string, DailyRollup>();
  // Sorted first so that, should a day appear twice, the fuller rollup wins whatever the input order.
  for (const rollup of [...input.rollups].sort(byDay)) oneADay.set(rollup.day, rollup);
  return {
    config,
    input,
    segment: assignSegment(config, account),
    now,
    today,
    daysLive: today - dayNumber(account.goLiveDate),
    rollups: withinDays([...oneADay.values()], today, config.health.lookbackDays),
  };
}
