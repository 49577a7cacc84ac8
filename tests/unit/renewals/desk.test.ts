import { describe, expect, it } from 'vitest';
import {
  arrAt,
  changeEvent,
  churnedNow,
  contractChurned,
  effectiveHistory,
  outcomeEvent,
  outcomeOfRenewal,
} from '#core/renewals/contract-history';
import { type DeskAccount, renewalDesk } from '#core/renewals/desk';
import { forecastCategory } from '#core/renewals/forecast';
import { yearBefore } from '#core/renewals/retention';

const NOW = new Date('2026-12-05T12:00:00Z');

/** An outcome event's fields that these cases share. */
const OUTCOME_BASE = { accountId: 'a', contractArr: 500, currency: 'USD' };

describe('the forecast rule', () => {
  const risk = (tier: 1 | 2 | 3, ...triggers: ('red_streak' | 'cancellation_set')[]) => ({ tier, triggers });
  it.each([
    [
      'overdue once the date passed, whatever the health',
      { daysToRenewal: -1, band: 'green', openRisk: null },
      'overdue',
    ],
    ['at risk when red', { daysToRenewal: 10, band: 'red', openRisk: null }, 'at_risk'],
    ['at risk at tier 2', { daysToRenewal: 10, band: 'yellow', openRisk: risk(2, 'red_streak') }, 'at_risk'],
    [
      'at risk on a renewal signal',
      { daysToRenewal: 10, band: 'green', openRisk: risk(1, 'cancellation_set') },
      'at_risk',
    ],
    ['commit when green with no risk', { daysToRenewal: 10, band: 'green', openRisk: null }, 'commit'],
    [
      'best case when green with a tier-1 risk',
      { daysToRenewal: 10, band: 'green', openRisk: risk(1, 'red_streak') },
      'best_case',
    ],
    ['best case when yellow', { daysToRenewal: 10, band: 'yellow', openRisk: null }, 'best_case'],
    ['best case when not scored', { daysToRenewal: 10, band: 'unknown', openRisk: null }, 'best_case'],
  ] as const)('%s', (_, input, expected) => {
    expect(forecastCategory(input)).toBe(expected);
  });
});

const row = (accountId: string, renewalDate: string, overrides: Partial<DeskAccount> = {}): DeskAccount => ({
  accountId,
  name: accountId,
  region: 'EMEA',
  segment: 'core',
  csm: 'Casey',
  currency: 'EUR',
  arr: 1000,
  renewalDate,
  score: 80,
  band: 'green',
  openRisk: null,
  lastReview: null,
  outcome: null,
  call: null,
  ...overrides,
});

describe('the renewal desk', () => {
  it('places renewals in windows, counts the CSM call over the derived category and totals per currency', () => {
    const desk = renewalDesk(
      [
        row('due-today', '2026-12-05'),
        row('in-181', '2027-06-04'),
        row('in-180', '2027-06-03', { currency: 'USD', arr: 0.1 }),
        row('in-31', '2027-01-05', { band: 'red', arr: 0.2 }),
        row('done', '2026-11-01', { outcome: { outcome: 'renewed', at: '2026-10-20T00:00:00Z' } }),
        row('called', '2026-12-01', {
          call: { renewalDate: '2026-12-01', category: 'commit', note: null, by: 'Casey', at: '2026-12-02' },
        }),
        row('stale-call', '2026-12-10', {
          call: { renewalDate: '2025-12-10', category: 'at_risk', note: null, by: 'Casey', at: '2025-12-02' },
        }),
      ],
      NOW,
    );
    expect(desk.rows.map((r) => [r.accountId, r.window, r.derived, r.category])).toEqual([
      ['called', 'overdue', 'overdue', 'commit'],
      ['due-today', 'next30', 'commit', 'commit'],
      ['stale-call', 'next30', 'commit', 'commit'],
      ['in-31', 'next90', 'at_risk', 'at_risk'],
      ['in-180', 'next180', 'commit', 'commit'],
    ]);
    expect(desk.windows.next180).toEqual({ renewals: 4, arr: { EUR: 2000.2, USD: 0.1 } });
    expect(desk.categories.commit).toEqual({ renewals: 4, arr: { EUR: 3000, USD: 0.1 } });
    expect(desk.arrSavable).toEqual({ EUR: 0.2 });
  });
});

describe('contract history', () => {
  it('keeps an account stored before its history at what its first change replaced', () => {
    const change = changeEvent(
      { arr: 100, currency: 'EUR' },
      { accountId: 'a', arr: 150, currency: 'EUR', renewalDate: '2027-01-01' },
      '2026-06-01T00:00:00.000Z',
    );
    if (!change) throw new Error('a change of ARR is an event');
    const history = effectiveHistory({ createdAt: '2025-01-01T00:00:00.000Z', arr: 150, currency: 'EUR' }, [
      change,
    ]);
    expect(arrAt(history, '2025-12-31T00:00:00.000Z')?.arr).toBe(100);
    expect(arrAt(history, '2026-07-01T00:00:00.000Z')?.arr).toBe(150);
    expect(arrAt(history, '2024-12-31T00:00:00.000Z')).toBeUndefined();
    expect(
      changeEvent(
        { arr: 150, currency: 'EUR' },
        { accountId: 'a', arr: 150, currency: 'EUR', renewalDate: 'x' },
        'now',
      ),
    ).toBeUndefined();
  });

  it('ends the ARR at a churn, and resolves only the renewal the outcome came for', () => {
    const churn = outcomeEvent({
      accountId: 'a',
      at: '2026-09-01T00:00:00.000Z',
      outcome: 'churned',
      contractArr: 500,
      currency: 'USD',
      renewalDate: '2026-09-30',
    });
    expect(churn.arr).toBe(0);
    expect(outcomeOfRenewal([churn], '2026-09-30')).toEqual({ outcome: 'churned', at: churn.at });
    expect(outcomeOfRenewal([churn], '2027-09-30')).toBeNull();
  });

  it('keeps a churn for as long as the contract that ended is the one in force, and forgets it at a new contract', () => {
    const outcome = (result: 'churned' | 'renewed', at: string, renewalDate: string) =>
      outcomeEvent({ ...OUTCOME_BASE, at, outcome: result, renewalDate });
    const churn = outcome('churned', '2026-09-30T00:00:00.000Z', '2026-09-30');
    expect(contractChurned([churn], '2026-09-30')).toBe(true);
    // Won back: a new contract with its own renewal date.
    expect(contractChurned([churn], '2027-12-31')).toBe(false);
    expect(
      contractChurned([outcome('renewed', '2026-09-30T00:00:00.000Z', '2026-09-30')], '2026-09-30'),
    ).toBe(false);
    // A later outcome for the same renewal is the one that holds (a churn reversed by the CRM).
    const reversed = outcome('renewed', '2026-10-02T00:00:00.000Z', '2026-09-30');
    expect(contractChurned([reversed, churn], '2026-09-30')).toBe(false);
    expect(contractChurned([], '2026-09-30')).toBe(false);
  });

  it('judges a churn the lookback shows by the history: of the renewal it names, or a churn when none is recorded', () => {
    const churn = outcomeEvent({
      ...OUTCOME_BASE,
      at: '2026-09-30T00:00:00.000Z',
      outcome: 'churned',
      renewalDate: '2026-09-30',
    });
    // The contract in force ended in churn, whatever the lookback shows.
    expect(churnedNow([churn], '2026-09-30', true)).toBe(true);
    expect(churnedNow([churn], '2026-09-30', false)).toBe(true);
    // Won back since (a new renewal date): the churn in the lookback is of the contract before.
    expect(churnedNow([churn], '2027-09-30', true)).toBe(false);
    // No churn recorded (the outcome came before the account was stored): the lookback's churn counts.
    expect(churnedNow([], '2026-09-30', true)).toBe(true);
    expect(churnedNow([], '2026-09-30', false)).toBe(false);
  });

  it('takes the cohort date a calendar year back, 29 February to 28 February', () => {
    expect(yearBefore(new Date('2028-02-29T10:00:00Z')).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(yearBefore(NOW).toISOString()).toBe('2025-12-05T12:00:00.000Z');
  });
});
