import { describe, expect, it } from 'vitest';
import { assessmentMeasures, measureAssessment } from '#core/health/components/assessment';
import { buildDailyRollup } from '#core/rollup';
import type { Signal } from '#core/signals';

const scorecard = (day: string, value: number, attributes?: Record<string, string | number>): Signal => ({
  id: `rel-${day}`,
  accountId: 'gasco',
  type: 'relationship_score',
  occurredAt: `${day}T10:00:00.000Z`,
  receivedAt: `${day}T10:00:01.000Z`,
  value,
  ...(attributes ? { attributes } : {}),
});

const rollups = (signals: Signal[]) =>
  signals.map((s) => buildDailyRollup('gasco', s.occurredAt.slice(0, 10), [s]));

describe('relationship assessment (seed 001): the gap to the level aimed for, and the trend', () => {
  it('measures nothing without a desired level on the latest scorecard', () => {
    expect(measureAssessment(rollups([scorecard('2026-05-01', 4)]), 180)).toBeNull();
    expect(
      measureAssessment(
        rollups([scorecard('2026-04-01', 4, { desired: 8 }), scorecard('2026-05-01', 5)]),
        180,
      ),
    ).toBeNull();
  });

  it('scores the gap as the share of the aimed-for level reached, and a fall over the window', () => {
    const measured = measureAssessment(
      rollups([
        scorecard('2026-02-01', 6),
        scorecard('2026-05-01', 4, { desired: 8, assessor: 'John Smibert' }),
      ]),
      180,
    );
    expect(measured).toMatchObject({ latest: 4, desired: 8, assessor: 'John Smibert' });
    const [gap, trend] = measured ? assessmentMeasures(measured) : [];
    expect(gap).toMatchObject({
      measure: 'relationship_gap',
      score: 50,
      finding: 'relationship 4/10 against the 8/10 aimed for: a gap of 4 (assessed by John Smibert)',
    });
    expect(trend).toMatchObject({
      measure: 'relationship_trend',
      actual: -2,
      score: 50,
      finding: 'relationship level down from 6/10 on 2026-02-01 to 4/10',
    });
  });

  it('scores a rising level in full: the plan working (4/10 to over 7/10)', () => {
    const measured = measureAssessment(
      rollups([scorecard('2026-01-10', 4, { desired: 8 }), scorecard('2026-06-10', 7.5, { desired: 8 })]),
      180,
    );
    const [gap, trend] = measured ? assessmentMeasures(measured) : [];
    expect(gap?.score).toBeCloseTo(93.75);
    expect(trend).toMatchObject({
      score: 100,
      finding: 'relationship level up from 4/10 on 2026-01-10 to 7.5/10',
    });
  });
});
