import type { BaselineMetric } from '#config/schema';
import type { SignalType } from '#core/signals';
import { type AccountContext, recentRollups } from '../context.ts';
import { effectiveWindow } from '../days.ts';
import { higherIsBetter, say, versus } from '../deviation.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { fromMeasures } from './result.ts';

export interface EngagementMeasures {
  loginsPerDay: number;
  activeUsersPerDay: number;
  usagePerDay: number;
  windowDays: number;
}

const PRODUCT_SIGNALS: SignalType[] = ['login', 'activity', 'usage', 'feature_used'];

/** Null when the lookback holds no product signal at all: the feed is missing, which is not zero use. */
export function measureEngagement(context: AccountContext): EngagementMeasures | null {
  const seen = context.rollups.some((rollup) =>
    PRODUCT_SIGNALS.some((type) => (rollup.counts[type] ?? 0) > 0),
  );
  if (!seen) return null;
  const windowDays = effectiveWindow(context.config.health.windows.engagement, context.daysLive);
  const recent = recentRollups(context, windowDays);
  const total = (pick: (r: (typeof recent)[number]) => number) => recent.reduce((sum, r) => sum + pick(r), 0);
  return {
    loginsPerDay: total((r) => r.counts.login ?? 0) / windowDays,
    activeUsersPerDay: total((r) => r.activeUserCount) / windowDays,
    usagePerDay: total((r) => r.sums.usage ?? 0) / windowDays,
    windowDays,
  };
}

const MEASURES: {
  measure: string;
  metric: BaselineMetric;
  noun: string;
  pick: (m: EngagementMeasures) => number;
}[] = [
  { measure: 'logins', metric: 'loginsPerDay', noun: 'logins', pick: (m) => m.loginsPerDay },
  {
    measure: 'activeUsers',
    metric: 'activeUsersPerDay',
    noun: 'active users',
    pick: (m) => m.activeUsersPerDay,
  },
  { measure: 'usage', metric: 'usagePerDay', noun: 'usage', pick: (m) => m.usagePerDay },
];

export function engagementSample(measured: EngagementMeasures): BaselineSample {
  const { loginsPerDay, activeUsersPerDay, usagePerDay } = measured;
  return { loginsPerDay, activeUsersPerDay, usagePerDay };
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
  const { label } = context.segment;
  const over = `over ${measured.windowDays} days`;
  const measures: Measure[] = MEASURES.flatMap(({ measure, metric, noun, pick }) => {
    const typical = expected(baseline, metric);
    if (!typical) return [];
    const actual = pick(measured);
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
        score: higherIsBetter(actual, typical.value),
        finding,
      },
    ];
  });
  return fromMeasures(measures, `no ${label} baseline for logins, active users or usage to compare with`);
}
