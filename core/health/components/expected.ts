import type { BaselineMetric } from '#config/schema';
import type { ExpectedFrom, SegmentBaseline } from '../types.ts';

export interface Expected {
  value: number;
  from: ExpectedFrom;
  metric: BaselineMetric;
}

/**
 * The segment's typical value of a metric, or null when there is none to compare with. Whether a measure
 * is used depends only on the baseline, never on the account's own data, so that more activity can never
 * switch a measure on and pull the component down.
 */
export function expected(
  baseline: SegmentBaseline,
  metric: BaselineMetric,
  allowZero = false,
): Expected | null {
  const found = baseline.metrics[metric];
  if (!found || found.value === null || (!allowZero && found.value <= 0)) return null;
  return { value: found.value, from: found.source, metric };
}

/** An account's own values of the baseline metrics, for computing its segment's baseline. */
export type BaselineSample = Partial<Record<BaselineMetric, number>>;
