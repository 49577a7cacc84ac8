import { seededRandom } from '#core/simulation/random';
import { quantileOfSorted } from './statistics.ts';

/** A figure with its 95% confidence interval from a bootstrap by account; null where it cannot be computed. */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** The most resamples a run may ask for: the interval's ends are stable well before this, and time is bounded. */
export const MAX_RESAMPLES = 2000;

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

/**
 * Weights for `resamples` draws of the group's accounts with replacement (as many draws as accounts): weights[a]
 * is how often account a was drawn. The same seed gives the same draws. Accounts stay whole, so days of one
 * account, which are not independent, never count as separate evidence.
 */
export function* accountResamples(
  group: readonly number[],
  accountCount: number,
  { resamples, seed }: BootstrapOptions,
): Generator<Float64Array> {
  const random = seededRandom(seed);
  const count = Math.min(Math.max(0, Math.floor(resamples)), MAX_RESAMPLES);
  for (let r = 0; r < count; r++) {
    const weights = new Float64Array(accountCount);
    for (let i = 0; i < group.length; i++) {
      const drawn = group[Math.floor(random() * group.length)];
      if (drawn !== undefined) weights[drawn] = (weights[drawn] ?? 0) + 1;
    }
    yield weights;
  }
}

/** The 2.5th and 97.5th percentiles of the resampled figures (those that could be computed) around the value. */
export function interval(value: number | null, resampled: readonly (number | null)[]): Estimate {
  const sorted = resampled.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (value === null || sorted.length === 0) return { value, low: null, high: null };
  return { value, low: quantileOfSorted(sorted, 0.025), high: quantileOfSorted(sorted, 0.975) };
}
