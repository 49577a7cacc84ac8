import { type AccountContext, recentRollups } from '../context.ts';
import { feedTooNew } from '../data-needed.ts';
import { effectiveWindow } from '../days.ts';
import { higherIsBetter, plural, say } from '../deviation.ts';
import type { ComponentResult, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { fromMeasures } from './result.ts';

export interface AdoptionMeasures {
  featuresUsed: number;
  windowDays: number;
  /** Why feature use reached the portfolio too recently for a verdict (data-needed.ts feedTooNew), when it did. */
  tooNew?: string;
}

/** Null when no feature use was ever reported in the lookback: no feature telemetry, not zero breadth. */
export function measureAdoption(context: AccountContext): AdoptionMeasures | null {
  if (!context.rollups.some((rollup) => rollup.features.length > 0)) return null;
  const windowDays = effectiveWindow(context.config.health.windows.adoption, context.daysOfFeed.features);
  const features = new Set<string>();
  for (const rollup of recentRollups(context, windowDays))
    for (const feature of rollup.features) features.add(feature);
  const tooNew = feedTooNew(context, 'features');
  return { featuresUsed: features.size, windowDays, ...(tooNew && { tooNew }) };
}

export function adoptionSample(measured: AdoptionMeasures): BaselineSample {
  return measured.tooNew ? {} : { featuresUsed: measured.featuresUsed };
}

export function scoreAdoption(
  measured: AdoptionMeasures | null,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  const { label } = context.segment;
  if (!measured) {
    const days = context.config.health.lookbackDays;
    return { status: 'unknown', reason: `no feature use recorded in the last ${days} days` };
  }
  if (measured.tooNew) return { status: 'unknown', reason: measured.tooNew };
  const typical = expected(baseline, 'featuresUsed');
  if (!typical) return { status: 'unknown', reason: `no ${label} baseline for features used` };
  const actual = measured.featuresUsed;
  return fromMeasures(
    [
      {
        measure: 'features',
        actual,
        expected: typical.value,
        expectedFrom: typical.from,
        baselineMetric: typical.metric,
        score: higherIsBetter(actual, typical.value),
        finding: `${plural(actual, 'feature')} used in ${measured.windowDays} days vs ${say(typical.value)} for healthy ${label} accounts`,
      },
    ],
    '',
  );
}
