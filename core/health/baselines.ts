import type { BaselineMetric, Config } from '#config/schema';
import { whyNotHealthy } from './cohort.ts';
import type { BaselineSample } from './components/expected.ts';
import { baselineSample, measuredAccount } from './measure.ts';
import { modelVersion } from './model-version.ts';
import { segmentConfig } from './segmentation.ts';
import type { Baselines, BaselineValue, ScoringInput, SegmentBaseline } from './types.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A share is an average of yes/no; every other metric takes the median, which one outlier cannot move. */
const typicalOf = (metric: BaselineMetric, values: number[]) =>
  metric === 'sponsorShare' ? mean(values) : median(values);

function fallbackValue(config: Config, segment: string, metric: BaselineMetric): number | null {
  const own = segmentConfig(config, segment).health.baselineDefaults?.[metric];
  return own === undefined ? config.health.baseline.fallback[metric] : own;
}

/** Builds a value for every baseline metric; spelt out so the compiler checks none is missing. */
function eachMetric<T>(metricValue: (metric: BaselineMetric) => T): Record<BaselineMetric, T> {
  return {
    loginsPerDay: metricValue('loginsPerDay'),
    activeUsersPerDay: metricValue('activeUsersPerDay'),
    usagePerDay: metricValue('usagePerDay'),
    featuresUsed: metricValue('featuresUsed'),
    openTickets: metricValue('openTickets'),
    ticketsPer30Days: metricValue('ticketsPer30Days'),
    staleTickets: metricValue('staleTickets'),
    urgentTickets: metricValue('urgentTickets'),
    nps: metricValue('nps'),
    csat: metricValue('csat'),
    sponsorShare: metricValue('sponsorShare'),
    meetingsHeld: metricValue('meetingsHeld'),
    relationshipScore: metricValue('relationshipScore'),
  };
}

function segmentBaseline(config: Config, segment: string, samples: BaselineSample[]): SegmentBaseline {
  const { minCohortSize } = config.health.baseline;
  const metrics = eachMetric((metric): BaselineValue => {
    const values = samples.flatMap((sample) => {
      const value = sample[metric];
      return value === undefined ? [] : [value];
    });
    return values.length >= minCohortSize
      ? { value: typicalOf(metric, values), source: 'cohort', sampleSize: values.length }
      : { value: fallbackValue(config, segment, metric), source: 'fallback', sampleSize: values.length };
  });
  return { segment, cohortSize: samples.length, minCohortSize, metrics };
}

/** One healthy account's values, for its segment's baseline. */
export interface CohortSample {
  segment: string;
  sample: BaselineSample;
}

/**
 * The account's contribution to its segment's healthy cohort (see cohort.ts), or null when it is not
 * healthy. Lets a caller stream a whole portfolio through and keep only the samples.
 */
export function cohortSample(config: Config, input: ScoringInput, now: Date): CohortSample | null {
  const { context, measures } = measuredAccount(config, input, now);
  if (whyNotHealthy(context, measures) !== null) return null;
  return { segment: context.segment.segment, sample: baselineSample(measures) };
}

/**
 * Each segment's typical values, learnt from the samples of its healthy accounts. A metric with fewer
 * than `minCohortSize` healthy accounts to learn from takes the configured default instead (the segment's
 * `baselineDefaults`, else `health.baseline.fallback`), and records `source: 'fallback'`.
 */
export function baselinesFromSamples(config: Config, cohort: Iterable<CohortSample>, now: Date): Baselines {
  const samples = new Map<string, BaselineSample[]>(
    Object.keys(config.segments).map((segment) => [segment, []]),
  );
  for (const { segment, sample } of cohort) samples.get(segment)?.push(sample);
  return {
    modelVersion: modelVersion(config),
    computedAt: now.toISOString(),
    segments: Object.fromEntries(
      [...samples].map(([segment, found]) => [segment, segmentBaseline(config, segment, found)]),
    ),
  };
}

/** Each segment's typical values, learnt from its healthy accounts (see baselinesFromSamples). */
export function computeBaselines(config: Config, inputs: readonly ScoringInput[], now: Date): Baselines {
  const cohort = inputs.flatMap((input) => cohortSample(config, input, now) ?? []);
  return baselinesFromSamples(config, cohort, now);
}

/** The segment's baseline, or its defaults alone when the baselines hold none for it. */
export function baselineFor(config: Config, baselines: Baselines, segment: string): SegmentBaseline {
  return baselines.segments[segment] ?? segmentBaseline(config, segment, []);
}
