import { round1 } from '../deviation.ts';
import type { ComponentResult, Measure } from '../types.ts';

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * A component scores the mean of its measures. Measure scores are shown to one decimal and the mean is
 * taken of the shown values, so a reader can redo the sum. With no measure the component is unknown.
 */
export function fromMeasures(measures: Measure[], unknownReason: string): ComponentResult {
  if (measures.length === 0) return { status: 'unknown', reason: unknownReason };
  const shown = measures.map((measure) => ({
    ...measure,
    actual: round2(measure.actual),
    expected: measure.expected === null ? null : round2(measure.expected),
    score: round1(measure.score),
  }));
  const mean = shown.reduce((sum, measure) => sum + measure.score, 0) / shown.length;
  return { status: 'known', score: round1(mean), measures: shown };
}
