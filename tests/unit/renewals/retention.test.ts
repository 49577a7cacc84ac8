import { describe, expect, it } from 'vitest';
import type { ArrPoint } from '#core/renewals/contract-history';
import { type RetentionAccount, retention } from '#core/renewals/retention';

/**
 * Trailing-12-month retention as a pure function of the accounts' ARR histories; the same figures through the API,
 * on stored contract events, are checked by tests/integration/renewals-retention.test.ts.
 */
const NOW = new Date('2026-12-05T12:00:00Z');
const COHORT = '2025-12-05T12:00:00.000Z';
const BEFORE = '2025-06-01T00:00:00.000Z';
const SINCE = '2026-06-01T00:00:00.000Z';

const point = (at: string, arr: number, currency = 'USD'): ArrPoint => ({ at, arr, currency });
const account = (
  accountId: string,
  history: ArrPoint[],
  { segment = 'core', region = 'NA', atRisk = false } = {},
): RetentionAccount => ({ accountId, segment, region, history, atRisk });

describe('trailing-12-month retention', () => {
  it('counts expansion in NRR, caps each account at its starting ARR in GRR, and a churned account at 0', () => {
    const { overall, cohortDate } = retention(
      [
        account('grew', [point(BEFORE, 100_000), point(SINCE, 150_000)]),
        account('shrank', [point(BEFORE, 60_000), point(SINCE, 45_000)]),
        account('left', [point(BEFORE, 40_000), point(SINCE, 0)]),
      ],
      NOW,
    );
    expect(cohortDate).toBe(COHORT);
    expect(overall).toEqual([
      {
        currency: 'USD',
        cohortAccounts: 3,
        startingArr: 200_000,
        currentArr: 195_000,
        retainedArr: 145_000,
        nrr: 195_000 / 200_000,
        grr: 145_000 / 200_000,
        churnedAccounts: 1,
        logoChurn: 1 / 3,
      },
    ]);
  });

  it('takes into the cohort only accounts paying on the cohort date, counting a price set at that very instant', () => {
    const { overall } = retention(
      [
        account('paying', [point(BEFORE, 10_000)]),
        account('set-on-the-day', [point(COHORT, 20_000)]),
        account('free-then', [point(BEFORE, 0), point(SINCE, 30_000)]),
        account('new-since', [point(SINCE, 40_000)]),
        account('a-second-late', [point('2025-12-05T12:00:01.000Z', 50_000)]),
      ],
      NOW,
    );
    expect(overall).toMatchObject([{ cohortAccounts: 2, startingArr: 30_000, currentArr: 30_000, nrr: 1 }]);
  });

  it('keeps currencies apart, in code order, and leaves out (and names, sorted) accounts whose currency changed', () => {
    const { overall, currencyChanged } = retention(
      [
        account('usd', [point(BEFORE, 100, 'USD')]),
        account('zeta-moved', [point(BEFORE, 100, 'USD'), point(SINCE, 90, 'EUR')]),
        account('eur', [point(BEFORE, 200, 'EUR'), point(SINCE, 300, 'EUR')]),
        account('alpha-moved', [point(BEFORE, 100, 'GBP'), point(SINCE, 100, 'USD')]),
        account('gbp', [point(BEFORE, 50, 'GBP')]),
      ],
      NOW,
    );
    expect(
      overall.map(({ currency, startingArr, currentArr }) => ({ currency, startingArr, currentArr })),
    ).toEqual([
      { currency: 'EUR', startingArr: 200, currentArr: 300 },
      { currency: 'GBP', startingArr: 50, currentArr: 50 },
      { currency: 'USD', startingArr: 100, currentArr: 100 },
    ]);
    expect(currencyChanged).toEqual(['alpha-moved', 'zeta-moved']);
  });

  it('breaks the cohort down by segment and by region, each in name order', () => {
    const { bySegment, byRegion } = retention(
      [
        account('s1', [point(BEFORE, 100), point(SINCE, 50)], { segment: 'strategic', region: 'EMEA' }),
        account('c1', [point(BEFORE, 100)], { segment: 'core', region: 'NA' }),
        account('c2', [point(BEFORE, 100), point(SINCE, 0)], { segment: 'core', region: 'APAC' }),
      ],
      NOW,
    );
    expect(bySegment.map(({ segment, figures }) => [segment, figures[0]?.currentArr])).toEqual([
      ['core', 100],
      ['strategic', 50],
    ]);
    expect(byRegion.map(({ region, figures }) => [region, figures[0]?.logoChurn])).toEqual([
      ['APAC', 1],
      ['EMEA', 0],
      ['NA', 0],
    ]);
  });

  it('sums the ARR today of accounts with an open risk, per currency, leaving out those paying nothing', () => {
    const { arrAtRisk } = retention(
      [
        account('risky-usd', [point(BEFORE, 100), point(SINCE, 80)], { atRisk: true }),
        account('risky-new', [point(SINCE, 20.1)], { atRisk: true }),
        account('risky-eur', [point(SINCE, 50, 'EUR')], { atRisk: true }),
        account('risky-gone', [point(BEFORE, 70, 'GBP'), point(SINCE, 0, 'GBP')], { atRisk: true }),
        account('safe', [point(BEFORE, 1_000)]),
      ],
      NOW,
    );
    expect(arrAtRisk).toEqual({ USD: 100.1, EUR: 50 });
  });
});
