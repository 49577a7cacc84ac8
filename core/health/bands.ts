import type { BandThresholds } from '#config/schema';
import type { Band } from './vocabulary.ts';

/** At or above `green` is green, at or above `yellow` is yellow, anything lower is red. */
export function bandFor(score: number, thresholds: BandThresholds): Band {
  if (score >= thresholds.green) return 'green';
  if (score >= thresholds.yellow) return 'yellow';
  return 'red';
}
