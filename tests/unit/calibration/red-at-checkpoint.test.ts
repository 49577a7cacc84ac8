import { describe, expect, it } from 'vitest';
import { redAtCheckpoint, redFigures } from '#core/calibration/red-at-checkpoint';
import type { AccountHistory, EvaluationHistory } from '#core/evaluation/history';
import { COMPONENT_IDS } from '#core/health/vocabulary';

const DAYS = 200;
const OUTCOME_DAY = 150;

/** An account green every day under the live config, its engagement `engagement` every day. */
function account(id: string, engagement: number, segment = 'core'): AccountHistory {
  const components = Object.fromEntries(
    COMPONENT_IDS.map((c) => [
      c,
      new Array<number | null>(DAYS).fill(c === 'engagement' ? engagement : null),
    ]),
  ) as AccountHistory['components'];
  return {
    accountId: id,
    segment,
    series: {
      scores: new Array<number | null>(DAYS).fill(80),
      bands: new Array<'green'>(DAYS).fill('green'),
      activity: new Array<number>(DAYS).fill(1),
    },
    components,
  };
}

function history(): EvaluationHistory {
  return {
    start: '2026-01-01',
    days: DAYS,
    accounts: [account('a', 30), account('b', 90), account('c', 40), account('d', 20, 'smb')],
    outcomes: [
      { accountId: 'a', outcome: 'churned', day: OUTCOME_DAY },
      { accountId: 'b', outcome: 'renewed', day: OUTCOME_DAY },
      { accountId: 'c', outcome: 'renewed', day: OUTCOME_DAY },
      // Renewed on day 60: no band 90 days before (day -30), so not a case.
      { accountId: 'd', outcome: 'renewed', day: 60 },
    ],
  };
}

describe('red at T-90 under the live config and under a proposal', () => {
  it('bands each held-out outcome 90 days before it, as it was and as the proposal would have', () => {
    const proposal = { weights: { engagement: 100 }, bands: { green: 70, yellow: 35 } };
    const cases = redAtCheckpoint(history(), new Set([0, 1, 2, 3]), () => proposal);
    // a: engagement 30 < 35, red; b: 90, green; c: 40, yellow. Green every day as it was.
    expect(cases).toEqual([
      { churned: true, redBefore: false, redAfter: true },
      { churned: false, redBefore: false, redAfter: false },
      { churned: false, redBefore: false, redAfter: false },
    ]);
    expect(redFigures(cases, (c) => c.redBefore)).toEqual({
      outcomes: 3,
      churned: 1,
      red: 0,
      precision: null,
      recall: 0,
    });
    expect(redFigures(cases, (c) => c.redAfter)).toMatchObject({ red: 1, precision: 1, recall: 1 });
  });

  it('counts only the accounts asked for, and keeps the band where there is no proposal', () => {
    const cases = redAtCheckpoint(history(), new Set([0]), () => null);
    expect(cases).toEqual([{ churned: true, redBefore: false, redAfter: false }]);
  });
});
