import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { calibrate, MIN_CHURNED_ACCOUNTS } from '#core/calibration/calibrate';
import type { Example } from '#core/calibration/examples';
import { fitLogistic } from '#core/calibration/logistic';
import { fitBands, fitWeights, scoreWith } from '#core/calibration/weights';
import { seededRandom } from '#core/simulation/random';
import { churnHistory as history } from '../../support/churn-history.ts';

const fitted = (report: ReturnType<typeof calibrate>) => {
  if (report.status !== 'fitted') throw new Error(`not fitted: ${report.status}`);
  return report;
};

describe('L2 logistic regression', () => {
  it('recovers the coefficients of the model that made the labels', () => {
    const random = seededRandom(11);
    const rows = Array.from({ length: 4000 }, () => [random() * 100, random() * 100]);
    // log-odds = 3 - 0.08 x1 (x2 does nothing)
    const labels = rows.map(([x1]) => (random() < 1 / (1 + Math.exp(-(3 - 0.08 * (x1 ?? 0)))) ? 1 : 0));
    const model = fitLogistic(rows, labels, { lambda: 0.01 });
    expect(model.coefficients[0]).toBeCloseTo(-0.08, 1);
    expect(Math.abs(model.coefficients[1] ?? 1)).toBeLessThan(0.01);
    expect(model.intercept).toBeGreaterThan(2);
    expect(model.intercept).toBeLessThan(4);
  });

  it('shrinks coefficients toward zero as the penalty grows, and stays finite when every label is the same', () => {
    const rows = [[0], [1], [2], [3]];
    const loose = fitLogistic(rows, [0, 0, 1, 1], { lambda: 0.1 });
    const tight = fitLogistic(rows, [0, 0, 1, 1], { lambda: 100 });
    expect(Math.abs(tight.coefficients[0] ?? 0)).toBeLessThan(Math.abs(loose.coefficients[0] ?? 0));
    const same = fitLogistic(rows, [0, 0, 0, 0], { lambda: 1 });
    expect(Number.isFinite(same.intercept)).toBe(true);
  });
});

describe('weights and bands', () => {
  it('scores as the weighted mean of the known components', () => {
    expect(scoreWith({ engagement: 30, support: 10 }, [60, null, 20, 99, null, null])).toBe(50);
    expect(scoreWith({ engagement: 30 }, [null, 50, 50, 50, 50, 50])).toBeNull();
  });

  it('fits under the constraint that weights are not negative: a component that goes with churn is dropped and the rest refitted', () => {
    // Churn falls with engagement and adoption; support, given those, goes with churn (it tracks engagement closely
    // but weighs against it). Sentiment and the rest are never known.
    const random = seededRandom(5);
    const examples: Example[] = Array.from({ length: 3000 }, (_, i) => {
      const engagement = random() * 100;
      const adoption = random() * 100;
      const support = Math.min(100, Math.max(0, engagement + (random() - 0.5) * 30));
      const logOdds = 2 - 0.06 * engagement - 0.03 * adoption + 0.03 * support;
      return {
        account: i % 100,
        segment: 'core',
        components: [engagement, adoption, support, null, null, null],
        score: (engagement + adoption + support) / 3,
        churned: random() < 1 / (1 + Math.exp(-logOdds)),
      };
    });
    const weights = fitWeights(examples, 1);
    expect(weights?.support).toBeUndefined();
    // The weights left are those of a fit that never had support, not the full fit's with support zeroed.
    const without = fitWeights(
      examples.map((e) => ({
        ...e,
        components: [e.components[0] ?? null, e.components[1] ?? null, null, null, null, null],
      })),
      1,
    );
    expect(weights).toEqual(without);
    expect(Object.values(weights ?? {}).reduce((a, b) => a + (b ?? 0), 0)).toBeCloseTo(100, 0);
  });

  it('puts red below the line with the best F1 for days before a churn, green where 80% of them are caught', () => {
    const days = [
      ...[10, 20, 30, 40, 60].map((score) => ({ score, churned: true })),
      ...[45, 70, 80, 90, 95].map((score) => ({ score, churned: false })),
    ];
    // Below 41: 4 of 5 churns, no false alarm (F1 8/9). Below 61: all 5 and one false alarm (F1 10/11), the best.
    // Everything below 61 is red already, so the green line is the next point.
    expect(fitBands(days)).toEqual({ yellow: 61, green: 62 });
    // Below 41 catches 4 of 5 when the 60 is a renewal: F1 8/9 there beats 8/10 below 46.
    expect(fitBands(days.map((d) => (d.score === 60 ? { ...d, churned: false } : d)))).toMatchObject({
      yellow: 41,
    });
    expect(fitBands(days.filter((d) => d.churned))).toBeNull();
  });
});

describe('calibrate', () => {
  it('gives the component that foretells churn the weight, and improves held-out AUC over the score as it was', () => {
    const report = fitted(
      calibrate(
        history(120, 5, (i) => i % 3 === 0),
        defaultConfig,
        { seed: 1 },
      ),
    );
    expect(report.churnedAccounts).toBe(40);
    expect(report.folds).toHaveLength(5);
    expect(report.heldOut.before ?? 1).toBeLessThan(0.6);
    expect(report.heldOut.after ?? 0).toBeGreaterThan(0.75);
    const core = report.segments.find((s) => s.segment === 'core');
    expect(core?.fittedOn).toBe('segment');
    const weights = core?.after?.weights ?? {};
    expect(weights.engagement ?? 0).toBeGreaterThan(60);
    expect(weights.outcomes).toBeUndefined();
    expect(core?.after?.bands.yellow ?? 100).toBeLessThan(core?.after?.bands.green ?? 0);
  });

  it('finds nothing in shuffled outcomes: held-out AUC near 0.5', () => {
    // A portfolio whose churners show it all along, its outcomes dealt to other accounts at random: nothing an
    // account shows goes with them any more. (Unshuffled, the same portfolio is well foretold: checked below.)
    const informative = history(120, 5, (i) => i % 3 === 0, 'lower');
    expect(fitted(calibrate(informative, defaultConfig, { seed: 1 })).heldOut.after ?? 0).toBeGreaterThan(
      0.65,
    );
    const aucs = [1, 2, 3].map((seed) => {
      const shuffled = history(120, 5, (i) => i % 3 === 0, 'lower');
      const random = seededRandom(seed);
      const owners = shuffled.outcomes.map((o) => o.accountId);
      for (let i = owners.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [owners[i], owners[j]] = [owners[j] as string, owners[i] as string];
      }
      shuffled.outcomes = shuffled.outcomes.map((o, i) => ({ ...o, accountId: owners[i] as string }));
      return fitted(calibrate(shuffled, defaultConfig, { seed })).heldOut.after ?? 0;
    });
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('says how many outcomes it needs, and why, when there are too few', () => {
    const report = calibrate(
      history(40, 5, (i) => i % 4 === 0),
      defaultConfig,
      { seed: 1 },
    );
    expect(report.status).toBe('too-little-history');
    if (report.status !== 'too-little-history') return;
    expect(report.churnedAccounts).toBe(10);
    expect(report.message).toContain(`at least ${MIN_CHURNED_ACCOUNTS} churned accounts`);
    expect(report.message).toMatch(/folds of held-out accounts/);
  });
});
