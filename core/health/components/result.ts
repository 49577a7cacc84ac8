import { round1, round2 } from '../deviation.ts';
import type { ComponentResult, Measure } from '../types.ts';

/** A measure's weight within its component: a custom measure's configured weight, else 1. */
export const measureWeight = (measure: Pick<Measure, 'weight'>) => measure.weight ?? 1;

/**
 * A component scores the mean of its measures, weighted by measureWeight (1 each unless a custom measure says
 * otherwise). Measure scores are shown to one decimal and the mean is taken of the shown values, so a reader can
 * redo the sum. With no measure the component is unknown.
 */
export function fromMeasures(measures: Measure[], unknownReason: string): ComponentResult {
  if (measures.length === 0) return { status: 'unknown', reason: unknownReason };
  const shown = measures.map((measure) => ({
    ...measure,
    actual: round2(measure.actual),
    expected: measure.expected === null ? null : round2(measure.expected),
    score: round1(measure.score),
  }));
  const totalWeight = shown.reduce((sum, measure) => sum + measureWeight(measure), 0);
  const mean = shown.reduce((sum, measure) => sum + measure.score * measureWeight(measure), 0) / totalWeight;
  return { status: 'known', score: round1(mean), measures: shown };
}
