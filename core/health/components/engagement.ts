import type { BaselineMetric } from '#config/schema';
import type { DailyRollup } from '#core/rollup';
import type { SignalType } from '#core/signals';
import { type AccountContext, recentRollups } from '../context.ts';
import { feedTooNew } from '../data-needed.ts';
import { effectiveWindow } from '../days.ts';
import { higherIsBetterOn, say, versus } from '../deviation.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { type OwnHistory, ownHistoryMeasure, usageHistory } from './own-history.ts';
import { feedsOf, loginsOf, PRODUCT_FEEDS, type ProductFeeds } from './product-feeds.ts';
import { fromMeasures } from './result.ts';

export interface EngagementMeasures {
  loginsPerDay: number;
  activeUsersPerDay: number;
  usagePerDay: number;
  /** Days each rate is read over: the engagement window, shortened to the days its feed's data covers. */
  windowDays: Record<keyof ProductFeeds, number>;
  /** Which feeds arrived, under health.measures (which leaves out a measure whose feed never did). */
  feeds?: ProductFeeds;
  /** Licensed seats (`contract.seats`), when given and health.measures.perSeat is on. */
  seats?: number;
  /** ARR in units of health.measures.perArr, when that is set and the account has ARR. */
  arrUnits?: number;
  /** Usage (or logins, or active users) recently against before; undefined when it cannot be told. */
  history?: OwnHistory;
  /** Feeds that reached the portfolio too recently for a verdict (data-needed.ts feedTooNew), with why. */
  tooNew?: Partial<Record<keyof ProductFeeds, string>>;
}

const PRODUCT_SIGNALS: SignalType[] = ['login', 'logins', 'activity', 'usage', 'feature_used'];

/** Null when the lookback holds no product signal at all: the feed is missing, which is not zero use. */
export function measureEngagement(context: AccountContext): EngagementMeasures | null {
  const seen = context.rollups.some((rollup) =>
    PRODUCT_SIGNALS.some((type) => (rollup.counts[type] ?? 0) > 0),
  );
  if (!seen) return null;
  const window = (feed: keyof ProductFeeds) =>
    effectiveWindow(context.config.health.windows.engagement, context.daysOfFeed[feed]);
  const windowDays = { logins: window('logins'), activeUsers: window('activeUsers'), usage: window('usage') };
  const perDay = (feed: keyof ProductFeeds, pick: (r: DailyRollup) => number) => {
    const days = windowDays[feed];
    return recentRollups(context, days).reduce((sum, r) => sum + pick(r), 0) / days;
  };
  const measured: EngagementMeasures = {
    loginsPerDay: perDay('logins', loginsOf),
    activeUsersPerDay: perDay('activeUsers', (r) => r.activeUserCount),
    usagePerDay: perDay('usage', (r) => r.sums.usage ?? 0),
    windowDays,
  };
  const settings = context.config.health.measures;
  if (!settings) return measured;
  measured.feeds = feedsOf(context.rollups);
  const tooNew = Object.fromEntries(
    PRODUCT_FEEDS.flatMap((feed) => {
      const why = feedTooNew(context, feed);
      return why ? [[feed, why]] : [];
    }),
  );
  if (Object.keys(tooNew).length > 0) measured.tooNew = tooNew;
  const seats = context.input.account.contract.seats;
  if (settings.perSeat && seats) measured.seats = seats;
  if (settings.perArr !== null && context.input.account.arr > 0)
    measured.arrUnits = context.input.account.arr / settings.perArr;
  const history = settings.ownHistory && usageHistory(context, settings.ownHistory, measured.feeds);
  if (history) measured.history = history;
  return measured;
}

interface EngagementMeasure {
  measure: string;
  metric: BaselineMetric;
  noun: string;
  /** The feed it needs; under health.measures a measure whose feed never arrived is left out. */
  feed: keyof ProductFeeds;
  /** Undefined when the account lacks what the measure divides by (seats, ARR). */
  pick: (m: EngagementMeasures) => number | undefined;
}

const MEASURES: EngagementMeasure[] = [
  { measure: 'logins', metric: 'loginsPerDay', noun: 'logins', feed: 'logins', pick: (m) => m.loginsPerDay },
  {
    measure: 'activeUsers',
    metric: 'activeUsersPerDay',
    noun: 'active users',
    feed: 'activeUsers',
    pick: (m) => m.activeUsersPerDay,
  },
  { measure: 'usage', metric: 'usagePerDay', noun: 'usage', feed: 'usage', pick: (m) => m.usagePerDay },
  {
    measure: 'activeUsersPerSeat',
    metric: 'activeUsersPerSeat',
    noun: 'active users per seat',
    feed: 'activeUsers',
    pick: (m) => (m.seats ? m.activeUsersPerDay / m.seats : undefined),
  },
  {
    measure: 'usagePerSeat',
    metric: 'usagePerSeat',
    noun: 'usage per seat',
    feed: 'usage',
    pick: (m) => (m.seats ? m.usagePerDay / m.seats : undefined),
  },
  {
    measure: 'usagePerArr',
    metric: 'usagePerArr',
    noun: 'usage per unit of ARR',
    feed: 'usage',
    pick: (m) => (m.arrUnits ? m.usagePerDay / m.arrUnits : undefined),
  },
];

/** The health.measures settings that switch engagement measures on, and the measures each one adds. */
export const MEASURE_SWITCHES = {
  perSeat: ['activeUsersPerSeat', 'usagePerSeat'],
  perArr: ['usagePerArr'],
  ownHistory: ['ownTrend'],
} as const satisfies Record<string, readonly string[]>;
export type MeasureSwitch = keyof typeof MEASURE_SWITCHES;

/** The engagement measures scored on the model's scale (health.measures.scale), which calibrate may refit. */
export const SCALED_MEASURES: ReadonlySet<string> = new Set(MEASURES.map((m) => m.measure));

/** Whether a measure of this feed is judged: its feed arrived (health.measures) and is not too new. */
const judged = (measured: EngagementMeasures, feed: keyof ProductFeeds) =>
  (!measured.feeds || measured.feeds[feed]) && !measured.tooNew?.[feed];

export function engagementSample(measured: EngagementMeasures): BaselineSample {
  const sample: BaselineSample = {};
  for (const { metric, feed, pick } of MEASURES) {
    const value = pick(measured);
    if (value !== undefined && judged(measured, feed)) sample[metric] = value;
  }
  return sample;
}

export function scoreEngagement(
  measured: EngagementMeasures | null,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  if (!measured) {
    const days = context.config.health.lookbackDays;
    return {
      status: 'unknown',
      reason: `no product activity recorded in the last ${days} days; is the product feed connected?`,
    };
  }
  const settings = context.config.health.measures;
  const { label } = context.segment;
  const measures: Measure[] = MEASURES.flatMap(({ measure, metric, noun, feed, pick }) => {
    const actual = pick(measured);
    if (actual === undefined || !judged(measured, feed)) return [];
    const typical = expected(baseline, metric);
    if (!typical) return [];
    const { percent, direction } = versus(actual, typical.value);
    const days = measured.windowDays[feed];
    const over = `over ${days} days`;
    const finding =
      actual === 0
        ? `no ${noun} in the last ${days} days (${label} baseline: ${say(typical.value)} a day)`
        : direction === 'level'
          ? `${noun} in line with the ${label} baseline ${over}`
          : `${noun} ${direction} ${percent}% vs the ${label} baseline ${over}`;
    return [
      {
        measure,
        actual,
        expected: typical.value,
        expectedFrom: typical.from,
        baselineMetric: metric,
        score: higherIsBetterOn(settings?.scale, actual, typical.value),
        finding,
      },
    ];
  });
  if (measured.history) measures.push(ownHistoryMeasure(measured.history));
  const tooNew = Object.values(measured.tooNew ?? {});
  return fromMeasures(
    measures,
    tooNew[0] ?? `no ${label} baseline for logins, active users or usage to compare with`,
  );
}
