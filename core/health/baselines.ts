import type { BaselineMetric, Config } from '#config/schema';
import { whyNotHealthy } from './cohort.ts';
import type { BaselineSample } from './components/expected.ts';
import { notEnoughDataYet } from './data-needed.ts';
import { earliestFeeds, type FeedsSince, feedsSeen } from './feeds.ts';
import { baselineSample, measuredAccount } from './measure.ts';
import { modelVersion } from './model-version.ts';
import { segmentConfig } from './segmentation.ts';
import type { Baselines, ScoringInput, SegmentBaseline } from './types.ts';

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
  return own === undefined ? (config.health.baseline.fallback[metric] ?? null) : own;
}

const LOWER_IS_BETTER = new Set<BaselineMetric>([
  'openTickets',
  'ticketsPer30Days',
  'staleTickets',
  'urgentTickets',
]);

/** Every metric of the model before health.measures, spelt out so the compiler checks none is missing. */
const CORE_METRICS: Record<Exclude<BaselineMetric, MeasuresMetric>, true> = {
  loginsPerDay: true,
  activeUsersPerDay: true,
  usagePerDay: true,
  featuresUsed: true,
  openTickets: true,
  ticketsPer30Days: true,
  staleTickets: true,
  urgentTickets: true,
  nps: true,
  csat: true,
  sponsorShare: true,
  meetingsHeld: true,
  relationshipScore: true,
};
type MeasuresMetric = 'activeUsersPerSeat' | 'usagePerSeat' | 'usagePerArr';
/** Learnt only under health.measures, so that a model without it keeps the baselines it had. */
const MEASURES_METRICS: readonly MeasuresMetric[] = ['activeUsersPerSeat', 'usagePerSeat', 'usagePerArr'];

function metricsOf(config: Config): BaselineMetric[] {
  const core = Object.keys(CORE_METRICS) as (keyof typeof CORE_METRICS)[];
  return config.health.measures ? [...core, ...MEASURES_METRICS] : core;
}

/** The value at quantile `q` (0-1) of sorted values, interpolated between neighbours. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = sorted[Math.floor(position)] ?? 0;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}

/**
 * What the segment's better accounts show, for a metric too few healthy accounts report: the `q` quantile of all
 * the segment's accounts (1 - q for ticket counts, where fewer is better; the mean for the sponsor share).
 */
function segmentValue(metric: BaselineMetric, values: number[], q: number): number {
  if (metric === 'sponsorShare') return mean(values);
  return quantile(values, LOWER_IS_BETTER.has(metric) ? 1 - q : q);
}

const valuesOf = (samples: readonly CohortSample[], metric: BaselineMetric) =>
  samples.flatMap(({ sample }) => {
    const value = sample[metric];
    return value === undefined ? [] : [value];
  });

function segmentBaseline(config: Config, segment: string, samples: CohortSample[]): SegmentBaseline {
  const { minCohortSize } = config.health.baseline;
  const quantileOfSegment = config.health.measures?.segmentQuantile ?? null;
  const healthy = samples.filter((sample) => sample.healthy !== false);
  const metrics: SegmentBaseline['metrics'] = {};
  for (const metric of metricsOf(config)) {
    const values = valuesOf(healthy, metric);
    const everyone = quantileOfSegment === null ? [] : valuesOf(samples, metric);
    metrics[metric] =
      values.length >= minCohortSize
        ? { value: typicalOf(metric, values), source: 'cohort', sampleSize: values.length }
        : quantileOfSegment !== null && everyone.length >= minCohortSize
          ? {
              value: segmentValue(metric, everyone, quantileOfSegment),
              source: 'segment',
              sampleSize: everyone.length,
            }
          : { value: fallbackValue(config, segment, metric), source: 'fallback', sampleSize: values.length };
  }
  return { segment, cohortSize: healthy.length, minCohortSize, metrics };
}

/** One account's values, for its segment's baseline. */
export interface CohortSample {
  segment: string;
  sample: BaselineSample;
  /**
   * The first day each feed shows in the account's data, or earlier if the portfolio's feeds reached it earlier
   * (input.feedsSince): what Baselines.feedsSince is learnt from.
   */
  feedsSeen?: FeedsSince;
  /** False for an account outside the healthy cohort, sampled for health.measures.segmentQuantile only. */
  healthy?: false;
}

/**
 * The account's contribution to its segment's baseline: its values when it is in the healthy cohort (see
 * cohort.ts); when it is not, its values marked `healthy: false` if the model learns from the whole segment
 * (health.measures.segmentQuantile), else null. Lets a caller stream a whole portfolio through and keep only the
 * samples.
 */
export function cohortSample(config: Config, input: ScoringInput, now: Date): CohortSample | null {
  const { context, measures } = measuredAccount(config, input, now);
  const tooNew = notEnoughDataYet(context) !== undefined;
  const seen = feedsSeen(context.rollups, input.tickets, input.feedsSince);
  const sample = {
    segment: context.segment.segment,
    sample: baselineSample(measures, tooNew),
    ...(Object.keys(seen).length > 0 && { feedsSeen: seen }),
  };
  if (whyNotHealthy(context, measures) === null) return sample;
  return (config.health.measures?.segmentQuantile ?? null) === null ? null : { ...sample, healthy: false };
}

/**
 * Each segment's typical values, learnt from the samples of its healthy accounts. A metric with fewer
 * than `minCohortSize` healthy accounts to learn from takes the configured default instead (the segment's
 * `baselineDefaults`, else `health.baseline.fallback`), and records `source: 'fallback'`.
 */
export function baselinesFromSamples(config: Config, cohort: Iterable<CohortSample>, now: Date): Baselines {
  const samples = new Map<string, CohortSample[]>(
    Object.keys(config.segments).map((segment) => [segment, []]),
  );
  const seen: (FeedsSince | undefined)[] = [];
  for (const sample of cohort) {
    samples.get(sample.segment)?.push(sample);
    seen.push(sample.feedsSeen);
  }
  const feedsSince = earliestFeeds(seen);
  return {
    modelVersion: modelVersion(config),
    computedAt: now.toISOString(),
    segments: Object.fromEntries(
      [...samples].map(([segment, found]) => [segment, segmentBaseline(config, segment, found)]),
    ),
    ...(Object.keys(feedsSince).length > 0 && { feedsSince }),
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
