import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { CustomMeasure, Scale } from '#config/measures-schema';
import type { Config } from '#config/schema';
import { calibrate } from '#core/calibration/calibrate';
import type { Example } from '#core/calibration/examples';
import { fitMeasures } from '#core/calibration/measure-fit';
import { componentsUnder, type MeasureParams, measureParamsOf } from '#core/calibration/measure-params';
import type { ComponentSeries } from '#core/evaluation/component-series';
import type { EvaluationHistory } from '#core/evaluation/history';
import { type DayReadings, readingDays, readingsOf } from '#core/evaluation/measure-readings';
import { computeBaselines } from '#core/health/baselines';
import { higherIsBetterOn, ratioOnScale, round1 } from '#core/health/deviation';
import { scoreAccount } from '#core/health/score';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import { seededRandom } from '#core/simulation/random';
import { CONTRACT_MEASURE, TENURE_MEASURE } from '../../support/custom-measures.ts';
import { account, activity, healthyCoreCohort, NOW, rollupsFrom, withConfig } from '../health/builders.ts';

/** issue 19 item 2: calibrate fits the measures' parameters (the scale, custom measures), not only the weights. */

// Deliberately wrong: short tenure scored as the healthy side.
const TENURE: CustomMeasure = { ...TENURE_MEASURE, weight: 1, direction: 'lower', expected: 1 };
// Deliberately uninformed: every contract the same.
const CONTRACT: CustomMeasure = {
  ...CONTRACT_MEASURE,
  scores: { 'month-to-month': 50, 'one year': 50, 'two year': 50 },
};
const withCustom = (custom: CustomMeasure[], scale?: Scale): Config =>
  withConfig(defaultConfig, (draft) => {
    if (!draft.health.measures) return;
    draft.health.measures.custom = custom;
    if (scale) draft.health.measures.scale = scale;
  });

const componentScores = (snapshot: ReturnType<typeof scoreAccount>) =>
  COMPONENT_IDS.map((id) => snapshot.components.find((c) => c.component === id)?.score ?? null);

describe('a usage measure on the scale, read back', () => {
  it('gives back the ratio its score came from, below the top of the scale', () => {
    const scales = fc.oneof(
      fc.constant<Scale>({ kind: 'linear' }),
      fc.record({
        kind: fc.constant('log' as const),
        atBaseline: fc.integer({ min: 10, max: 95 }),
        ceilingRatio: fc.double({ min: 1.5, max: 10, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(scales, fc.double({ min: 0.01, max: 20, noNaN: true }), (scale, ratio) => {
        const score = round1(higherIsBetterOn(scale, ratio, 1));
        const back = ratioOnScale(scale, score, ratio * 7, 7);
        const top = scale.kind === 'linear' ? 1 : scale.ceilingRatio;
        if (score >= 100) expect(back).toBeCloseTo(Math.max(top, ratio), 6);
        // The score keeps one decimal: scored again on the same scale, the ratio gives the same score.
        else expect(Math.abs(higherIsBetterOn(scale, back ?? 0, 1) - score)).toBeLessThanOrEqual(0.05 + 1e-9);
      }),
    );
  });
});

describe('a day scored again from its readings', () => {
  const config = withCustom([TENURE, CONTRACT], { kind: 'log', atBaseline: 90, ceilingRatio: 4 });
  const baselines = computeBaselines(config, healthyCoreCohort(10), NOW);
  const snapshotOf = (
    id: string,
    perDay: number,
    attributes?: Record<string, string | number>,
    history: { days: number; seats?: number } = { days: 60 },
  ) =>
    scoreAccount(
      config,
      {
        account: account({
          id,
          ...(attributes && { attributes }),
          ...(history.seats && { contract: { ...account().contract, seats: history.seats } }),
        }),
        rollups: rollupsFrom(
          id,
          activity(id, { loginsPerDay: perDay, usagePerDay: perDay * 12, days: history.days }),
        ),
        tickets: [],
      },
      baselines,
      NOW,
    );
  const live = measureParamsOf(config) as MeasureParams;

  it('under the live parameters, gives each component the score the snapshot gave it', () => {
    const attributesOf: Record<string, Record<string, string | number> | undefined> = {
      a: { tenureMonths: 3, contract: 'month-to-month' },
      b: { tenureMonths: 40, contract: 'two year' },
      c: { contract: 'one year' },
      d: undefined,
    };
    const accounts = [
      snapshotOf('a', 1, attributesOf.a),
      snapshotOf('b', 6, attributesOf.b),
      snapshotOf('c', 12, attributesOf.c),
      snapshotOf('d', 3),
    ];
    for (const snapshot of accounts) {
      const readings = readingsOf(snapshot, attributesOf[snapshot.accountId], config);
      const recorded = componentScores(snapshot);
      const again = componentsUnder(
        live,
        readings,
        recorded.map(() => null),
      );
      for (const component of ['engagement', 'relationship', 'outcomes'] as const) {
        const index = COMPONENT_IDS.indexOf(component);
        const was = recorded[index] ?? null;
        if (was === null) expect(again[index] ?? null, `${snapshot.accountId} ${component}`).toBeNull();
        else expect(again[index] ?? null, `${snapshot.accountId} ${component}`).toBeCloseTo(was, 1);
      }
    }
  });

  it('under other parameters, scores each measure by them: the scale from its ratio, a category by the new mapping', () => {
    const snapshot = snapshotOf('e', 12, { tenureMonths: 30, contract: 'month-to-month' });
    const readings = readingsOf(
      snapshot,
      { tenureMonths: 30, contract: 'month-to-month' },
      config,
    ) as DayReadings;
    const engagement = readings.components.engagement ?? [];
    expect(engagement.length).toBeGreaterThan(0);
    const linear = componentsUnder(
      {
        ...live,
        scale: { kind: 'linear' },
        custom: [
          { ...TENURE, direction: 'higher', expected: 24 },
          { ...CONTRACT, scores: { 'month-to-month': 0 } },
        ],
      },
      readings,
      componentScores(snapshot),
    );
    // Every usage measure at or above its baseline scores 100 on the linear scale.
    const expectedEngagement =
      engagement.reduce((sum, [, score, weight, ratio]) => {
        const rescored = ratio === null ? score : round1(Math.min(1, ratio) * 100);
        return sum + rescored * weight;
      }, 0) / engagement.reduce((sum, [, , weight]) => sum + weight, 0);
    expect(linear[COMPONENT_IDS.indexOf('engagement')]).toBeCloseTo(expectedEngagement, 1);
    const outcomes = readings.components.outcomes ?? [];
    const others = outcomes.find(([id]) => id === '*');
    const [, otherScore, otherWeight] = others ?? ['*', 0, 0];
    expect(linear[COMPONENT_IDS.indexOf('outcomes')]).toBeCloseTo(
      (otherScore * otherWeight + 0) / (otherWeight + 1),
      1,
    );
  });

  it('weighs a component without the measures of a setting turned off (here the own-history trend)', () => {
    // 130 days of use: the own-history trend compares the last 30 days with the 90 before.
    const snapshot = snapshotOf('f', 4, { tenureMonths: 30 }, { days: 130 });
    const readings = readingsOf(snapshot, {}, config) as DayReadings;
    const engagement = readings.components.engagement ?? [];
    expect(engagement.map(([id]) => id)).toEqual(expect.arrayContaining(['ownTrend']));
    const off = componentsUnder(
      { ...live, switches: { perSeat: false, perArr: false, ownHistory: false } },
      readings,
      componentScores(snapshot),
    );
    const kept = engagement.filter(
      ([id]) => !['ownTrend', 'activeUsersPerSeat', 'usagePerSeat'].includes(id),
    );
    const mean =
      kept.reduce((sum, [, score, weight]) => sum + score * weight, 0) /
      kept.reduce((s, [, , w]) => s + w, 0);
    expect(off[COMPONENT_IDS.indexOf('engagement')]).toBeCloseTo(mean, 1);
  });

  it('keeps readings only for the days calibrate samples and those 90 days before each outcome', () => {
    const kept = Array.from({ length: 40 }, (_, day) => day).filter((day) => readingDays(30, day, [100, 20]));
    expect(kept).toEqual([0, 7, 10, 14, 21, 28]);
  });
});

/**
 * A portfolio where a tenure attribute and a contract type foretell churn and nothing else does: short tenure and
 * month-to-month contracts churn more. Components other than relationship and outcomes are noise, and the live
 * config scores tenure the wrong way and every contract the same.
 */
function attributeHistory(accounts: number, seed: number, shuffle = false): EvaluationHistory {
  const random = seededRandom(seed);
  const days = 300;
  const outcomeDay = 250;
  const live = measureParamsOf(withCustom([TENURE, CONTRACT])) as MeasureParams;
  const contracts = ['month-to-month', 'one year', 'two year'];
  const profiles = Array.from({ length: accounts }, () => {
    const tenure = Math.round(1 + random() * 60);
    const contract = contracts[Math.floor(random() * 3)] as string;
    const logOdds =
      1 - tenure / 15 + (contract === 'month-to-month' ? 1.5 : contract === 'two year' ? -1.5 : 0);
    return { tenure, contract, churned: random() < 1 / (1 + Math.exp(-logOdds)) };
  });
  const churned = profiles.map((p) => p.churned);
  if (shuffle)
    for (let i = churned.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [churned[i], churned[j]] = [churned[j] as boolean, churned[i] as boolean];
    }
  return {
    start: '2026-01-01',
    days,
    accounts: profiles.map((profile, i) => {
      const noise = () => Array.from({ length: days }, () => 40 + random() * 40);
      const readings = new Map<number, DayReadings>();
      const relationshipOther = 40 + random() * 40;
      const outcomesOther = 40 + random() * 40;
      for (let day = 0; day < days; day += 7)
        readings.set(day, {
          components: {
            relationship: [
              ['tenure', round1(100 * Math.min(1, 2 / (profile.tenure + 1))), 1, profile.tenure],
              ['*', relationshipOther, 2, null],
            ],
            outcomes: [
              ['contractType', 50, 1, null],
              ['*', outcomesOther, 1, null],
            ],
          },
          categories: { contract: profile.contract },
        });
      const recordedOn = (component: 'relationship' | 'outcomes') =>
        Array.from({ length: days }, (_, day) => {
          const kept = readings.get(day - (day % 7));
          return (
            componentsUnder(
              live,
              kept,
              COMPONENT_IDS.map(() => null),
            )[COMPONENT_IDS.indexOf(component)] ?? null
          );
        });
      const components: ComponentSeries = {
        engagement: noise(),
        adoption: noise(),
        support: noise(),
        sentiment: noise(),
        relationship: recordedOn('relationship'),
        outcomes: recordedOn('outcomes'),
      };
      const scores = noise();
      return {
        accountId: `a${i}`,
        segment: 'core',
        series: {
          scores,
          bands: scores.map((s) => (s >= 75 ? 'green' : s >= 55 ? 'yellow' : 'red')),
          activity: new Array<number>(days).fill(1),
        },
        components,
        readings,
      };
    }),
    outcomes: churned.map((churn, i) => ({
      accountId: `a${i}`,
      outcome: churn ? 'churned' : 'renewed',
      day: outcomeDay,
    })),
  };
}

describe('calibrate fits the measures', () => {
  const config = withCustom([TENURE, CONTRACT]);

  it('turns a numeric measure the right way and maps each category by how often it churned', () => {
    const examples: Example[] = [];
    const random = seededRandom(3);
    for (let account = 0; account < 200; account++) {
      const tenure = Math.round(1 + random() * 60);
      const contract = ['month-to-month', 'one year', 'two year'][account % 3] as string;
      const churned = random() < (tenure < 12 ? 0.6 : 0.1) + (contract === 'month-to-month' ? 0.3 : 0);
      examples.push({
        account,
        segment: 'core',
        components: [60, 60, 60, 60, 60, 60],
        score: 60,
        churned,
        readings: {
          components: {
            relationship: [
              ['tenure', 100, 1, tenure],
              ['*', 60, 2, null],
            ],
            outcomes: [
              ['contractType', 50, 1, null],
              ['*', 60, 1, null],
            ],
          },
          categories: { contract },
        },
      });
    }
    const fitted = fitMeasures(examples, measureParamsOf(config) as MeasureParams, 1);
    const tenure = fitted.custom.find((c) => c.id === 'tenure');
    expect(tenure).toMatchObject({ kind: 'numeric', direction: 'higher' });
    const contract = fitted.custom.find((c) => c.id === 'contractType');
    const scores = contract?.kind === 'categorical' ? contract.scores : {};
    expect(scores['month-to-month']).toBe(0);
    expect(scores['month-to-month'] ?? 100).toBeLessThan(
      Math.min(scores['one year'] ?? 0, scores['two year'] ?? 0),
    );
  });

  it('improves held-out AUC by refitting the measures, and proposes them', () => {
    const report = calibrate(attributeHistory(150, 7), config, { seed: 1 });
    if (report.status !== 'fitted' || report.measures.status !== 'fitted') throw new Error('not fitted');
    expect(report.heldOut.after ?? 0).toBeGreaterThan((report.heldOut.before ?? 1) + 0.1);
    const after = report.measures.after.custom;
    expect(after.find((c) => c.id === 'tenure')).toMatchObject({ direction: 'higher' });
    expect(report.measures.before.custom).toEqual([TENURE, CONTRACT]);
  });

  it('finds nothing in shuffled outcomes, measures included: held-out AUC near 0.5', () => {
    const aucs = [1, 2, 3].map((seed) => {
      const report = calibrate(attributeHistory(150, seed, true), config, { seed });
      return report.status === 'fitted' ? (report.heldOut.after ?? 0) : 0;
    });
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('says why the measures were not fitted when the history keeps no readings of them', () => {
    const history = attributeHistory(150, 7);
    for (const account of history.accounts) delete account.readings;
    const report = calibrate(history, config, { seed: 1 });
    expect(report.status === 'fitted' && report.measures).toMatchObject({
      status: 'not-fitted',
      note: expect.stringContaining('run simulate again'),
    });
  });
});
