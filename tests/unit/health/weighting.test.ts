import { describe, expect, it } from 'vitest';
import type { ComponentResult } from '#core/health/types';
import { weightedScore } from '#core/health/weighting';

const known = (score: number): ComponentResult => ({ status: 'known', score, measures: [] });

describe('weighted score rounding', () => {
  it('gives a tenth left over on equal remainders to the component that comes first', () => {
    // Each of the first two is exactly 1/3 of a tenth; together they round to one tenth, which only one can get.
    const { score, components } = weightedScore([
      { component: 'engagement', weight: 1, result: known(0.1) },
      { component: 'adoption', weight: 1, result: known(0.1) },
      { component: 'support', weight: 1, result: known(0) },
    ]);
    expect(score).toBe(0.1);
    expect(components.map((c) => c.contribution)).toEqual([0.1, 0, 0]);
  });

  it('gives it to the later component when the earlier one is unknown', () => {
    const { score, components } = weightedScore([
      { component: 'engagement', weight: 1, result: { status: 'unknown', reason: 'no data' } },
      { component: 'adoption', weight: 1, result: known(0.1) },
      { component: 'support', weight: 1, result: known(0.1) },
      { component: 'sentiment', weight: 1, result: known(0) },
    ]);
    expect(score).toBe(0.1);
    expect(components.map((c) => c.contribution)).toEqual([0, 0.1, 0, 0]);
  });
});
