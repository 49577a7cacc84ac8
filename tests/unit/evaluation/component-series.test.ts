import { describe, expect, it } from 'vitest';
import { buildComponentSeries, decodeRuns, encodeRuns } from '#core/evaluation/component-series';

const change = (
  component: 'engagement' | 'support',
  before: number | 'unknown',
  after: number | 'unknown',
) => ({
  component,
  before,
  after,
  contributionChange: 1,
  measures: [],
});

describe('components day by day', () => {
  it('walks the changes back from the current snapshot: each score in force at the end of each day', () => {
    const series = buildComponentSeries(
      '2026-03-01',
      5,
      [
        { component: 'engagement', score: 40 },
        { component: 'support', score: 90 },
      ],
      [
        // Day 1: first score (no diff). Day 2: engagement 80 -> 60, support unknown -> 90. Day 4: engagement -> 40.
        { at: '2026-03-02T05:00:00Z', diff: null },
        {
          at: '2026-03-03T05:00:00Z',
          diff: { components: [change('engagement', 80, 60), change('support', 'unknown', 90)] },
        },
        { at: '2026-03-05T05:00:00Z', diff: { components: [change('engagement', 60, 40)] } },
      ],
    );
    expect(series.engagement).toEqual([null, 80, 60, 60, 40]);
    expect(series.support).toEqual([null, null, 90, 90, 90]);
    expect(series.sentiment).toEqual([null, null, null, null, null]);
  });

  it('keeps a series as runs of days and reads back what it wrote', () => {
    const values = [null, null, 87.54, 87.54, 87.54, 60, null];
    expect(encodeRuns(values)).toBe('-x2 87.5x3 60x1 -x1');
    expect(decodeRuns(encodeRuns(values))).toEqual([null, null, 87.5, 87.5, 87.5, 60, null]);
    expect(decodeRuns('')).toEqual([]);
  });
});
