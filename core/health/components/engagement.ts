import type { BaselineMetric } from '#config/schema';
import type { DailyRollup } from '#core/rollup';
import type { SignalType } from '#core/signals';
import { type AccountContext, recentRollups } from '../context.ts';
import { effectiveWindow } from '../days.ts';
import { higherIsBetterOn, say, versus } from '../deviation.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { type OwnHistory, ownHistoryMeasure, usageHistory } from './own-history.ts';
import { feedsOf, loginsOf, type ProductFeeds } from './product-feeds.ts';
import { fromMeasures } from './result.ts';

export interface EngagementMeasures {
  loginsPerDay: number;
  activeUsersPerDay: number;
  usagePerDay: number;
  windowDays: number;
  /** Which feeds arrived, under health.measures (which leaves out a measure whose feed never did). */
  feeds?: ProductFeeds;
  /** Licensed seats (`contract.seats`), when given and health.measures.perSeat is on. */
  seats?: number;
  /** ARR in units of health.measures.perArr, when that is set and the account has ARR. */
  arrUnits?: number;
  /** Usage (or logins, or active users) recently against before; undefined when it cannot be told. */
  history?: OwnHistory;
}

const PRODUCT_SIGNALS: SignalType[] = ['login', 'logins', 'activity', 'usage', 'feature_used'];

/** Null when the lookback holds no product signal at all: the feed is missing, which is not zero use. */
export function measureEngagement(context: AccountContext): EngagementMeasures | null {
  const seen = context.rollups.some((rollup) =>
    PRODUCT_SIGNALS.some((type) => (rollup.counts[type] ?? 0) > 0),
  );
  if (!seen) return null;
  const windowDays = effectiveWindow(context.config.health.windows.engagement, context.daysOfData);
  const recent = recentRollups(context, windowDays);
  const total = (pick: (r: DailyRollup) => number) => recent.reduce((sum, r) => sum + pick(r), 0);
  const measured: EngagementMeasures = {
    loginsPerDay: total(loginsOf) / windowDays,
    activeUsersPerDay: total((r) => r.activeUserCount) / windowDays,
    usagePerDay: total((r) => r.sums.usage ?? 0) / windowDays,
    windowDays,
  };
  const settings = context.config.health.measures;
  if (!settings) return measured;
  measured.feeds = feedsOf(context.rollups);
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

export function engagementSample(measured: EngagementMeasures): BaselineSample {
  const sample: BaselineSample = {};
  for (const { metric, feed, pick } of MEASURES) {
    const value = pick(measured);
    if (value !== undefined && (!measured.feeds || measured.feeds[feed])) sample[metric] = value;
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
  const over = `over ${measured.windowDays} days`;
  const measures: Measure[] = MEASURES.flatMap(({ measure, metric, noun, feed, pick }) => {
    const actual = pick(measured);
    if (actual === undefined || (measured.feeds && !measured.feeds[feed])) return [];
    const typical = expected(baseline, metric);
    if (!typical) return [];
    const { percent, direction } = versus(actual, typical.value);
    const finding =
      actual === 0
        ? `no ${noun} in the last ${measured.windowDays} days (${label} baseline: ${say(typical.value)} a day)`
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
  return fromMeasures(measures, `no ${label} baseline for logins, active users or usage to compare with`);
}
