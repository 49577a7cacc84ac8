import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountWithHealth, accountWithHealthSchema } from '#core/health/view';
import { account } from '../support/fixtures.ts';
import { apiCaller, startTestApi } from '../support/http.ts';

/**
 * health.measures through the API (docs/health-measures.md): seats and attributes on an account, login counts
 * without user ids, each validated field by field and scored when the account is read, against DynamoDB Local.
 */

const KEY = 'cg_test_key_for_measures_api';
let call: ReturnType<typeof apiCaller>;
let stop: () => Promise<void>;

interface UpsertBody {
  upserted: number;
  rejected: { index: number; errors: { path: string; message: string }[] }[];
}
interface IngestBody {
  accepted: number;
  rejected: { index: number; errors: { path: string; message: string }[] }[];
}

async function readAccount(id: string): Promise<AccountWithHealth> {
  const response = await call('GET', `/v1/accounts/${id}`);
  expect(response.status).toBe(200);
  return accountWithHealthSchema.parse(await response.json());
}

beforeAll(async () => {
  const api = await startTestApi(KEY);
  stop = api.stop;
  call = apiCaller(api.url, KEY);
});

afterAll(async () => {
  await stop();
});

describe('accounts with seats and attributes', () => {
  it('stores them and gives them back', async () => {
    const seated = account('seated', {
      contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 48_000, seats: 120 },
      attributes: { plan: 'enterprise', tenureMonths: 17, paperless: true },
    });
    const response = await call('POST', '/v1/accounts', { accounts: [seated] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as UpsertBody).upserted).toBe(1);
    const read = (await (await call('GET', '/v1/accounts/seated')).json()) as Record<string, unknown>;
    expect(read).toMatchObject({
      contract: { seats: 120 },
      attributes: { plan: 'enterprise', tenureMonths: 17, paperless: true },
    });
  });

  it('refuses a bad seat count or attribute with a field-level error, never a 5xx', async () => {
    const response = await call('POST', '/v1/accounts', {
      accounts: [
        account('no-seats', {
          contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 1, seats: 0 },
        }),
        { ...account('nested'), attributes: { plan: { tier: 'gold' } } },
      ],
    });
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as UpsertBody;
    expect(body.rejected.flatMap((r) => r.errors.map((e) => e.path))).toEqual([
      'contract.seats',
      'attributes.plan',
    ]);
  });
});

describe('login counts without user ids', () => {
  it('accepts `logins` with a count, refuses one without, and scores the counts as logins', async () => {
    const created = await call('POST', '/v1/accounts', { accounts: [account('counted')] });
    expect(created.status).toBe(200);
    const days = Array.from(
      { length: 30 },
      (_, d) => new Date(Date.parse('2026-06-01T06:00:00Z') - d * 86_400_000),
    );
    const response = await call('POST', '/v1/signals', {
      signals: [
        ...days.map((at, d) => ({
          id: `logins-${d}`,
          accountId: 'counted',
          type: 'logins',
          occurredAt: at.toISOString(),
          value: 9,
        })),
        { id: 'logins-none', accountId: 'counted', type: 'logins', occurredAt: '2026-06-01T06:00:00Z' },
      ],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as IngestBody;
    expect(body.accepted).toBe(30);
    expect(body.rejected.map((r) => [r.index, r.errors.map((e) => e.path)])).toEqual([[30, ['value']]]);

    const { health } = await readAccount('counted');
    const engagement = health?.components.find((c) => c.component === 'engagement');
    const measures = engagement?.status === 'known' ? engagement.measures : [];
    expect(measures.find((m) => m.measure === 'logins')).toMatchObject({ actual: 9 });
    // No user ids were sent: active users is a feed that never arrived, left out rather than scored 0.
    expect(measures.map((m) => m.measure)).not.toContain('activeUsers');
  });
});
