import type { MetricSource } from '#config/measures-schema';
import type { DailyRollup } from '#core/rollup';

/** A custom metric read over a window of daily rollups (health.measures.custom with `from.metric`). */
export interface MetricReading {
  value: number;
  /** How many readings (metric signals) of that name the window holds. */
  readings: number;
  /** The day of the latest reading. */
  latestDay: string;
}

/**
 * The metric's sum, average (of its readings) or latest reading over the given rollups (oldest first); undefined
 * when the window holds no reading of it: the feed is missing, which is unknown, not zero.
 */
export function readMetric(source: MetricSource, rollups: readonly DailyRollup[]): MetricReading | undefined {
  let readings = 0;
  let sum = 0;
  let latest = 0;
  let latestDay = '';
  for (const rollup of rollups) {
    const aggregate = rollup.metrics?.[source.metric];
    if (!aggregate) continue;
    readings += aggregate.count;
    sum += aggregate.sum;
    latest = aggregate.latest;
    latestDay = rollup.day;
  }
  if (readings === 0) return undefined;
  const value = source.over === 'sum' ? sum : source.over === 'average' ? sum / readings : latest;
  return { value, readings, latestDay };
}
