import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalInput } from '#core/signals';
import { loadAccountView, useCaseDeps } from '#usecases/account-view';
import { churnguardAt } from '../support/cli.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { apiCaller, type IngestBody, readJson, startTestApi } from '../support/http.ts';

/**
 * An account whose renewal was lost is nobody's to look after: the CSM's list, the stack-rank and the portfolio's
 * bands leave it out (the renewal desk and retention count the loss), and `status=churned` finds it with the day.
 * One won back on a new contract is a customer again.
 */
const KEY = 'cg_test_key_for_churned_lists';
let api: Awaited<ReturnType<typeof startTestApi>>;
let call: ReturnType<typeof apiCaller>;

interface AccountList {
  status: string;
  total: number;
  accounts: { accountId: string; churnedAt: string | null; renewalDate: string }[];
}
interface StackRank {
  segments: { accounts: { accountId: string }[] }[];
}
interface Portfolio {
  accounts: number;
  churned: number;
  segments: { accounts: number }[];
}

const LOST_RENEWAL = '2026-05-01';
const outcome = (accountId: string): SignalInput => ({
  id: `${accountId}-outcome`,
  accountId,
  type: 'renewal_outcome',
  occurredAt: `${LOST_RENEWAL}T10:00:00Z`,
  attributes: { outcome: 'churned' },
});
const lostContract = { startDate: '2025-05-01', renewalDate: LOST_RENEWAL, arr: 48_000 };

beforeAll(async () => {
  api = await startTestApi(KEY);
  call = apiCaller(api.url, KEY);
  const accounts = [
    account('stays'),
    account('gone', { contract: lostContract }),
    account('wonback', { contract: lostContract }),
  ];
  expect((await call('POST', '/v1/accounts', { accounts })).status).toBe(200);
  const signals = [
    ...realisticSignals(['stays', 'gone', 'wonback'], 5, 6, '2026-05-25'),
    outcome('gone'),
    outcome('wonback'),
  ];
  expect((await readJson<IngestBody>(await call('POST', '/v1/signals', { signals }))).rejected).toEqual([]);
  // Won back a month later: the CRM moves the renewal date a year on, keeping the contract's first start date (as
  // the billing and CRM connectors do).
  const renewed = account('wonback', {
    contract: { startDate: lostContract.startDate, renewalDate: '2027-05-01', arr: 40_000 },
  });
  expect((await call('POST', '/v1/accounts', { accounts: [renewed] })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

const ids = (list: AccountList) => list.accounts.map((a) => a.accountId);

describe('an account whose renewal was lost, in the lists and the portfolio', () => {
  it('is not in the CSM list by default; status=churned lists it with when it left, status=all both', async () => {
    const customers = await readJson<AccountList>(await call('GET', '/v1/accounts?sort=name'));
    expect(customers).toMatchObject({ status: 'customers', total: 2 });
    expect(ids(customers)).toEqual(['stays', 'wonback']);
    expect(customers.accounts.every((a) => a.churnedAt === null)).toBe(true);

    const churned = await readJson<AccountList>(await call('GET', '/v1/accounts?status=churned'));
    expect(churned.accounts).toEqual([
      expect.objectContaining({ accountId: 'gone', churnedAt: '2026-05-01T10:00:00.000Z' }),
    ]);
    const all = await readJson<AccountList>(await call('GET', '/v1/accounts?status=all&sort=name'));
    expect(ids(all)).toEqual(['gone', 'stays', 'wonback']);
  });

  it('refuses a status it does not know, naming the parameter', async () => {
    const response = await call('GET', '/v1/accounts?status=lost');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/status.*must be one of: customers, churned, all/);
  });

  it('is left out of the stack-rank and of the portfolio bands, which count it apart', async () => {
    const rank = await readJson<StackRank>(await call('GET', '/v1/stack-rank'));
    expect(rank.segments.flatMap((s) => s.accounts.map((a) => a.accountId)).sort()).toEqual([
      'stays',
      'wonback',
    ]);
    const portfolio = await readJson<Portfolio>(await call('GET', '/v1/portfolio'));
    expect(portfolio).toMatchObject({ accounts: 2, churned: 1 });
    expect(portfolio.segments.reduce((sum, s) => sum + s.accounts, 0)).toBe(2);
  });

  it('is churned to the workflows, while the account won back a month later is not, though its churn is recent', async () => {
    const churned = async (id: string) => (await loadAccountView(useCaseDeps(api.deps), id))?.facts.churned;
    expect(await churned('gone')).toBe(true);
    expect(await churned('wonback')).toBe(false);
    expect(await churned('stays')).toBe(false);
  });

  it('shows in `churnguard accounts --status churned` with the day it churned', async () => {
    const { code, output } = await churnguardAt(api.url, KEY)('accounts', '--status', 'churned');
    expect(code).toBe(0);
    expect(output).toMatch(/^1 churned account \(sorted by score\)/);
    expect(output).toMatch(/gone\s+Account gone.*churned 2026-05-01/);
  }, 60_000);
});
