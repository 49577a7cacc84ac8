import type { AccountInput } from '#core/accounts';
import type { Clock } from '#core/clock';
import { account } from './fixtures.ts';

/**
 * A small portfolio with a year of contract history, sent through the API as a CRM would send it: accounts
 * stored on 2025-11-01, ARR changed by later upserts, churn reported as renewal_outcome signals. Its NRR and GRR
 * per currency are worked out by hand in tests/integration/renewals-retention.test.ts.
 *
 *   id     currency segment    region  2025-11-01  then                                   today (2026-12-05)
 *   u-grow USD      strategic  NA      100,000     expanded to 140,000 on 2026-03-01      140,000
 *   u-cut  USD      core       NA       50,000     cut to 40,000 on 2026-06-01             40,000
 *   u-gone USD      core       EMEA     20,000     churned on 2026-09-01                        0
 *   u-new  USD      core       NA      (stored 2026-02-01 at 30,000: not in the cohort)    30,000
 *   e-flat EUR      core       EMEA     80,000     unchanged                               80,000
 *   e-grow EUR      strategic  EMEA     60,000     expanded to 90,000 on 2026-04-01        90,000
 *   e-gone EUR      core       EMEA     10,000     churned on 2026-08-01                        0
 */
export const FIXTURE_NOW = '2026-12-05T12:00:00.000Z';

export function mutableClock(at: string): Clock & { set(at: string): void } {
  let now = new Date(at);
  return {
    now: () => new Date(now),
    set(next: string) {
      now = new Date(next);
    },
  };
}

function fixtureAccount(
  id: string,
  currency: string,
  segment: string,
  region: string,
  arr: number,
  renewalDate: string,
): AccountInput {
  return account(id, {
    currency,
    segment,
    region,
    arr,
    goLiveDate: '2025-11-10',
    contract: { startDate: '2025-11-01', renewalDate, arr },
  });
}

/** Each step: when (the API's clock), then what is sent. */
export type FixtureStep =
  | { at: string; accounts: AccountInput[] }
  | { at: string; outcome: { accountId: string; outcome: 'churned' | 'renewed' } };

export function retentionFixture(): FixtureStep[] {
  const a = fixtureAccount;
  return [
    {
      at: '2025-11-01T09:00:00.000Z',
      accounts: [
        a('u-grow', 'USD', 'strategic', 'NA', 100_000, '2026-12-20'),
        a('u-cut', 'USD', 'core', 'NA', 50_000, '2027-02-15'),
        a('u-gone', 'USD', 'core', 'EMEA', 20_000, '2026-11-01'),
        a('e-flat', 'EUR', 'core', 'EMEA', 80_000, '2026-11-20'),
        a('e-grow', 'EUR', 'strategic', 'EMEA', 60_000, '2027-04-01'),
        a('e-gone', 'EUR', 'core', 'EMEA', 10_000, '2026-08-01'),
      ],
    },
    { at: '2026-02-01T09:00:00.000Z', accounts: [a('u-new', 'USD', 'core', 'NA', 30_000, '2027-08-01')] },
    {
      at: '2026-03-01T09:00:00.000Z',
      accounts: [a('u-grow', 'USD', 'strategic', 'NA', 140_000, '2026-12-20')],
    },
    {
      at: '2026-04-01T09:00:00.000Z',
      accounts: [a('e-grow', 'EUR', 'strategic', 'EMEA', 90_000, '2027-04-01')],
    },
    { at: '2026-06-01T09:00:00.000Z', accounts: [a('u-cut', 'USD', 'core', 'NA', 40_000, '2027-02-15')] },
    { at: '2026-08-01T09:00:00.000Z', outcome: { accountId: 'e-gone', outcome: 'churned' } },
    { at: '2026-09-01T09:00:00.000Z', outcome: { accountId: 'u-gone', outcome: 'churned' } },
  ];
}
