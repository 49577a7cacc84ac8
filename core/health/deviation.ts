import type { Scale } from '#config/measures-schema';
/**
 * How far an account is from what healthy accounts of its segment show, as 0-100.
 * Linear, so a CSM can check it: half the baseline's logins scores 50.
 */

/** For measures where more is better. A non-positive baseline gives nothing to compare with: 100. */
export function higherIsBetter(actual: number, baseline: number): number {
  if (baseline <= 0) return 100;
  return 100 * Math.min(1, Math.max(0, actual) / baseline);
}

/**
 * For counts where fewer is better (tickets). Both sides are smoothed by one so that a baseline of
 * zero still compares: one ticket against a norm of none scores 50, three score 25.
 */
export function lowerIsBetter(actual: number, baseline: number): number {
  return 100 * Math.min(1, (Math.max(0, baseline) + 1) / (Math.max(0, actual) + 1));
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Two decimals: how a measure's actual and expected values are shown and kept. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Numbers as people say them: 3, 3.2, 0.4. */
export function say(value: number): string {
  return String(round1(value));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${say(count)} ${count === 1 ? one : many}`;
}

/** "down 42% vs", "12% above", or "in line with" a baseline. */
export function versus(
  actual: number,
  baseline: number,
): { percent: number; direction: 'down' | 'up' | 'level' } {
  const percent = Math.round(Math.abs(1 - actual / baseline) * 100);
  if (percent === 0) return { percent, direction: 'level' };
  return { percent, direction: actual < baseline ? 'down' : 'up' };
}

/**
 * `higherIsBetter` on the model's scale (health.measures.scale): `linear` is higherIsBetter itself; `log` gives
 * `atBaseline` at the baseline, scales linearly below it, and above it rises with log(actual/baseline) to 100 at
 * `ceilingRatio` times the baseline, so that accounts above the healthy median still rank among themselves.
 */
export function higherIsBetterOn(scale: Scale | undefined, actual: number, baseline: number): number {
  if (!scale || scale.kind === 'linear' || baseline <= 0) return higherIsBetter(actual, baseline);
  const ratio = Math.max(0, actual) / baseline;
  if (ratio <= 1) return scale.atBaseline * ratio;
  const headroom = Math.min(1, Math.log(ratio) / Math.log(scale.ceilingRatio));
  return scale.atBaseline + (100 - scale.atBaseline) * headroom;
}

/**
 * The actual/baseline ratio a score on the scale came from, so that calibrate can score the day again on another
 * scale. Exact below the scale's top (the score is linear, or logarithmic, in the ratio there); a score of 100
 * says only that the ratio reached the top, so there the stored actual and baseline give it, never below the top.
 * Null when the baseline was not positive (nothing was compared: 100 on any scale).
 */
export function ratioOnScale(
  scale: Scale | undefined,
  score: number,
  actual: number,
  baseline: number,
): number | null {
  if (baseline <= 0) return null;
  const linear = !scale || scale.kind === 'linear';
  if (score >= 100) return Math.max(linear ? 1 : scale.ceilingRatio, Math.max(0, actual) / baseline);
  if (linear) return score / 100;
  if (score <= scale.atBaseline) return score / scale.atBaseline;
  return Math.exp(((score - scale.atBaseline) / (100 - scale.atBaseline)) * Math.log(scale.ceilingRatio));
}
