import { describe, expect, it } from 'vitest';
import { auc, aucOfRanked, rankCases } from '#core/evaluation/auc';
import { accountResamples, interval, MAX_RESAMPLES } from '#core/evaluation/bootstrap';
import { weightedMedian } from '#core/evaluation/statistics';

const cases = (list: [number, boolean][]) =>
  list.map(([risk, positive], account) => ({ risk, positive, account }));

describe('AUC of a ranking', () => {
  it('is the share of positive-negative pairs ranked the right way: 8 of 9 here', () => {
    // Positives at 0.9, 0.8, 0.6; negatives at 0.7, 0.5, 0.4: only (0.6 positive, 0.7 negative) is wrong.
    const ranking = cases([
      [0.9, true],
      [0.8, true],
      [0.7, false],
      [0.6, true],
      [0.5, false],
      [0.4, false],
    ]);
    expect(auc(ranking)).toBeCloseTo(8 / 9, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when everything ties', () => {
    expect(
      auc(
        cases([
          [3, true],
          [2, false],
          [1, false],
        ]),
      ),
    ).toBe(1);
    expect(
      auc(
        cases([
          [1, true],
          [2, false],
          [3, false],
        ]),
      ),
    ).toBe(0);
    expect(
      auc(
        cases([
          [5, true],
          [5, false],
          [5, true],
          [5, false],
        ]),
      ),
    ).toBe(0.5);
  });

  it('is null without a positive or without a negative', () => {
    expect(
      auc(
        cases([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBeNull();
    expect(auc(cases([[1, false]]))).toBeNull();
    expect(auc([])).toBeNull();
  });

  it('counts a case as often as its account was drawn, as if the case were written out that often', () => {
    const ranking = cases([
      [0.9, true],
      [0.7, false],
      [0.6, true],
      [0.5, false],
    ]);
    // Account 2 (positive at 0.6) twice, account 3 not at all: positives 0.9, 0.6, 0.6; negative 0.7.
    const weighed = aucOfRanked(rankCases(ranking), [1, 1, 2, 0]);
    const writtenOut = auc([
      { risk: 0.9, positive: true, account: 0 },
      { risk: 0.7, positive: false, account: 1 },
      { risk: 0.6, positive: true, account: 2 },
      { risk: 0.6, positive: true, account: 4 },
    ]);
    expect(weighed).toBeCloseTo(1 / 3, 12);
    expect(weighed).toBe(writtenOut);
  });
});

describe('bootstrap by account', () => {
  it('draws as many accounts as the group holds, only from it, the same for the same seed', () => {
    const group = [1, 3, 4];
    const first = [...accountResamples(group, 6, { resamples: 20, seed: 7 })];
    const again = [...accountResamples(group, 6, { resamples: 20, seed: 7 })];
    const other = [...accountResamples(group, 6, { resamples: 20, seed: 8 })];
    expect(first).toHaveLength(20);
    for (const weights of first) {
      expect([...weights].reduce((a, b) => a + b, 0)).toBe(3);
      expect(weights[0] ?? 0).toBe(0);
      expect(weights[2] ?? 0).toBe(0);
      expect(weights[5] ?? 0).toBe(0);
    }
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('never runs more than the bounded number of resamples', () => {
    let count = 0;
    for (const _ of accountResamples([0], 1, { resamples: 1e9, seed: 1 })) count++;
    expect(count).toBe(MAX_RESAMPLES);
  });

  it('gives the 2.5th and 97.5th percentiles of what could be computed', () => {
    const resampled = [...Array.from({ length: 40 }, (_, i) => i / 40), null];
    expect(interval(0.5, resampled)).toEqual({ value: 0.5, low: 0, high: 38 / 40 });
    expect(interval(null, resampled)).toEqual({ value: null, low: null, high: null });
  });
});

describe('weighted median', () => {
  it('is the middle value, or the mean of the two middle ones, of the values written out', () => {
    expect(weightedMedian([1, 2, 3, 4].map((value) => ({ value, weight: 1 })))).toBe(2.5);
    expect(
      weightedMedian([
        { value: 10, weight: 3 },
        { value: 40, weight: 1 },
      ]),
    ).toBe(10);
    expect(
      weightedMedian([
        { value: 10, weight: 0 },
        { value: 40, weight: 1 },
      ]),
    ).toBe(40);
    expect(weightedMedian([])).toBeNull();
  });
});
