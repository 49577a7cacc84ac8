import type { Config } from '#config/schema';
import type { DailyRollup } from '#core/rollup';
import { dayNumber, withinDays } from './days.ts';
import { FEEDS, type Feed } from './feeds.ts';
import { assignSegment } from './segmentation.ts';
import type { ScoringInput, SegmentAssignment } from './types.ts';

/** Everything a component reads about one account at one instant. */
export interface AccountContext {
  config: Config;
  input: ScoringInput;
  segment: SegmentAssignment;
  now: Date;
  today: number;
  /** Days since go-live; negative before it. Journeys and milestones count from it. */
  daysLive: number;
  /**
   * Days since the later of go-live and the first day of data (input.dataSince); negative before go-live. What
   * reads usage as a rate over a window counts from it: the window shrinks to these days, and minimumDataDays
   * waits for them.
   */
  daysOfData: number;
  /**
   * By feed, days since the later of the data's first day and the day the feed reached the portfolio
   * (input.feedsSince): what a window over that feed covers.
   */
  daysOfFeed: Record<Feed, number>;
  /** The lookback's rollups, oldest first, one per day. */
  rollups: DailyRollup[];
  /** Each rollup's day number (rollupDays[i] is rollups[i]'s), and whether they ascend (as the store reads them). */
  rollupDays: readonly number[];
  daysAscend: boolean;
  /** The rollups of the last N days, today included, oldest first (see recentRollups), by N. */
  windows: Map<number, DailyRollup[]>;
}

function byDay(a: DailyRollup, b: DailyRollup): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  return a.signalCount - b.signalCount;
}

/** Whether the rollups are already one a day, oldest first: what the store reads back, so nothing to sort. */
function oneADayInOrder(rollups: readonly DailyRollup[]): boolean {
  for (let i = 1; i < rollups.length; i++)
    if (!((rollups[i - 1] as DailyRollup).day < (rollups[i] as DailyRollup).day)) return false;
  return true;
}

export function accountContext(config: Config, input: ScoringInput, now: Date): AccountContext {
  const { account } = input;
  const foreign = input.rollups.find((rollup) => rollup.accountId !== account.id);
  if (foreign)
    throw new Error(`rollup of account ${foreign.accountId} passed to score account ${account.id}`);
  const today = dayNumber(now);
  let daily: readonly DailyRollup[] = input.rollups;
  if (!oneADayInOrder(daily)) {
    const oneADay = new Map<string, DailyRollup>();
    // Sorted first so that, should a day appear twice, the fuller rollup wins whatever the input order.
    for (const rollup of [...input.rollups].sort(byDay)) oneADay.set(rollup.day, rollup);
    daily = [...oneADay.values()];
  }
  const goLive = dayNumber(account.goLiveDate);
  const dataBegan = input.dataSince === undefined ? goLive : Math.max(goLive, dayNumber(input.dataSince));
  const daysOfFeed = {} as Record<Feed, number>;
  for (const feed of FEEDS) {
    const reached = input.feedsSince?.[feed];
    daysOfFeed[feed] = today - (reached === undefined ? dataBegan : Math.max(dataBegan, dayNumber(reached)));
  }
  const lookback = withinDays(daily, today, config.health.lookbackDays);
  return {
    config,
    input,
    segment: assignSegment(config, account),
    now,
    today,
    daysLive: today - goLive,
    daysOfData: today - dataBegan,
    daysOfFeed,
    rollups: lookback.rollups,
    rollupDays: lookback.days,
    daysAscend: lookback.days.every((day, i) => i === 0 || day > (lookback.days[i - 1] as number)),
    windows: new Map(),
  };
}

/**
 * The context's rollups of the last `windowDays` UTC days, today included, oldest first, worked out once per window
 * length (several components share a window). Every lookback rollup is dated today or earlier, so these are the
 * ones dated after the window's start; when their days ascend, they are the last ones, found from the end.
 */
export function recentRollups(context: AccountContext, windowDays: number): DailyRollup[] {
  let recent = context.windows.get(windowDays);
  if (!recent) {
    const { rollups, rollupDays } = context;
    const after = context.today - windowDays;
    if (context.daysAscend) {
      let from = rollups.length;
      while (from > 0 && (rollupDays[from - 1] as number) > after) from--;
      recent = rollups.slice(from);
    } else recent = rollups.filter((_, i) => (rollupDays[i] as number) > after);
    context.windows.set(windowDays, recent);
  }
  return recent;
}
