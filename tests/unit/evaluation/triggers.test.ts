import { describe, expect, it } from 'vitest';
import { evaluateHistory } from '#core/evaluation/evaluate';
import { historyFromSimulation, simulationHistorySchema } from '#core/evaluation/from-simulation';
import type { EvaluationHistory } from '#core/evaluation/history';
import { triggerCases, triggerPrecision } from '#core/evaluation/triggers';

const DAYS = 200;
const steady = (id: string, segment = 'core') => ({
  accountId: id,
  segment,
  series: {
    scores: new Array<number | null>(DAYS).fill(80),
    bands: new Array<'green' | null>(DAYS).fill('green'),
    activity: new Array<number>(DAYS).fill(1),
  },
});

/**
 * Six accounts renewing on day 150. sponsor_left opened risks on a, b, c (a and b churned, c renewed);
 * contract_cut on c, d, e (d churned; e's risk opened after its renewal, so its outcome is not known yet);
 * red_streak on a twice (counted once, by the first). f had no risk and churned.
 */
function history(): EvaluationHistory {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const churned = new Set(['a', 'b', 'd', 'f']);
  return {
    start: '2026-01-01',
    days: DAYS,
    accounts: ids.map((id) => steady(id, id === 'f' || id === 'e' ? 'smb' : 'core')),
    outcomes: ids.map((id) => ({
      accountId: id,
      outcome: churned.has(id) ? ('churned' as const) : ('renewed' as const),
      day: 150,
    })),
    riskOpenings: [
      { accountId: 'a', day: 40, triggers: ['sponsor_left', 'red_streak'] },
      { accountId: 'a', day: 90, triggers: ['red_streak'] },
      { accountId: 'b', day: 100, triggers: ['sponsor_left'] },
      { accountId: 'c', day: 60, triggers: ['sponsor_left', 'contract_cut'] },
      { accountId: 'd', day: 120, triggers: ['contract_cut'] },
      { accountId: 'e', day: 160, triggers: ['contract_cut'] },
    ],
  };
}

describe('trigger precision', () => {
  it('counts each account a trigger opened a risk on once, with the renewal that followed', () => {
    const h = history();
    const cases = triggerCases(
      h.accounts.map((a) => a.accountId),
      h.riskOpenings ?? [],
      h.outcomes,
    );
    const figures = triggerPrecision(cases, [0, 1, 2, 3, 4, 5], 6, { resamples: 100, seed: 1 });
    const of = (trigger: string) => figures.find((t) => t.trigger === trigger);
    const [red, sponsor, cut] = [of('red_streak'), of('sponsor_left'), of('contract_cut')];
    expect(red).toMatchObject({ trigger: 'red_streak', accounts: 1, churned: 1, renewed: 0, pending: 0 });
    expect(sponsor).toMatchObject({
      trigger: 'sponsor_left',
      accounts: 3,
      churned: 2,
      renewed: 1,
      pending: 0,
    });
    expect(sponsor?.precision.value).toBeCloseTo(2 / 3, 12);
    expect(sponsor?.precision.low ?? 1).toBeLessThanOrEqual(2 / 3);
    expect(sponsor?.precision.high ?? 0).toBeGreaterThanOrEqual(2 / 3);
    // e's risk came after its renewal: no outcome yet, and out of the precision.
    expect(cut).toMatchObject({ trigger: 'contract_cut', accounts: 3, churned: 1, renewed: 1, pending: 1 });
    expect(cut?.precision.value).toBe(1 / 2);
  });

  it('judges a trigger by its first opening on an account, in whatever order the openings are listed', () => {
    // The same account: a risk on day 160 (after its renewal on day 150) listed before one on day 40.
    const cases = triggerCases(
      ['a'],
      [
        { accountId: 'a', day: 160, triggers: ['sponsor_left'] },
        { accountId: 'a', day: 40, triggers: ['sponsor_left'] },
      ],
      [{ accountId: 'a', outcome: 'churned', day: 150 }],
    );
    expect(cases.get('sponsor_left')).toEqual([{ account: 0, churned: true }]);
  });

  it('is reported per group beside the base rate of churn among its renewal outcomes', () => {
    const evaluation = evaluateHistory(history(), { resamples: 50, seed: 2 });
    const [all, core, smb] = evaluation.groups;
    expect(all?.renewalOutcomes).toEqual({ outcomes: 6, churned: 4 });
    expect(all?.triggers?.map((t) => t.trigger)).toEqual(['red_streak', 'sponsor_left', 'contract_cut']);
    expect(core?.triggers?.find((t) => t.trigger === 'contract_cut')).toMatchObject({
      accounts: 2,
      churned: 1,
    });
    expect(smb?.triggers?.map((t) => [t.trigger, t.accounts, t.pending])).toEqual([['contract_cut', 1, 1]]);
  });

  it('reads the triggers of the risks a simulate result opened, and says when a result does not keep them', () => {
    const daily = { scores: '80 80', bands: 'gg', activity: '1 1' };
    const result = {
      start: '2026-01-01',
      days: 2,
      accounts: [{ accountId: 'a', segment: 'core', daily }],
      outcomes: [],
      actions: [
        { at: '2026-01-02T05:00:00Z', accountId: 'a', kind: 'risk_opened', triggers: ['sponsor_left'] },
        { at: '2026-01-02T05:00:00Z', accountId: 'a', kind: 'renewal_checkpoint', triggers: ['red_streak'] },
      ],
    };
    expect(historyFromSimulation(simulationHistorySchema.parse(result)).riskOpenings).toEqual([
      { accountId: 'a', day: 1, triggers: ['sponsor_left'] },
    ]);
    const older = {
      ...result,
      actions: [{ at: '2026-01-02T05:00:00Z', accountId: 'a', kind: 'risk_opened' }],
    };
    expect(historyFromSimulation(simulationHistorySchema.parse(older)).riskOpenings).toBeUndefined();
    expect(
      evaluateHistory(historyFromSimulation(simulationHistorySchema.parse(older)), { resamples: 10, seed: 1 })
        .groups[0]?.triggers,
    ).toBeNull();
  });
});
