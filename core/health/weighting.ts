import type { ComponentResult, ComponentSnapshot } from './types.ts';
import type { ComponentId } from './vocabulary.ts';

export interface WeightedResult {
  component: ComponentId;
  weight: number;
  result: ComponentResult;
}

export interface WeightedScore {
  score: number | null;
  components: ComponentSnapshot[];
}

/**
 * Unknown components are left out and the known ones' weights scaled to fill the whole (renormalised).
 *
 * Rounding: the score is the exact weighted mean rounded to 0.1. Each contribution is its exact share
 * rounded down to 0.1, and the tenths still missing go to the largest remainders (ties: component order),
 * so contributions add up to the score exactly, tenth for tenth, and none is off by more than 0.1.
 */
export function weightedScore(parts: readonly WeightedResult[]): WeightedScore {
  const known = parts.filter((part) => part.result.status === 'known');
  const totalWeight = known.reduce((sum, part) => sum + part.weight, 0);
  const exactTenths = parts.map((part) =>
    part.result.status === 'known' ? (part.result.score * part.weight * 10) / totalWeight : 0,
  );
  const scoreTenths = Math.round(exactTenths.reduce((sum, tenths) => sum + tenths, 0));
  const tenths = exactTenths.map(Math.floor);
  let missing = scoreTenths - tenths.reduce((sum, value) => sum + value, 0);
  const byRemainder = exactTenths
    .map((exact, index) => ({ index, remainder: exact - Math.floor(exact) }))
    .filter(({ index }) => parts[index]?.result.status === 'known')
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    tenths[index] = (tenths[index] ?? 0) + 1;
    missing -= 1;
  }

  const components = parts.map(({ component, weight, result }, index): ComponentSnapshot => {
    const contribution = (tenths[index] ?? 0) / 10;
    if (result.status === 'unknown') {
      return {
        component,
        weight,
        normalizedWeight: 0,
        contribution: 0,
        status: 'unknown',
        score: null,
        reason: result.reason,
      };
    }
    const normalizedWeight = Math.round((weight / totalWeight) * 10_000) / 10_000;
    return { component, weight, normalizedWeight, contribution, ...result };
  });
  return { score: known.length === 0 ? null : scoreTenths / 10, components };
}
