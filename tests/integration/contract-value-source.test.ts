import { describe, expect, it } from 'vitest';
import type { ConnectorMappingInput } from '#core/connectors/mapping';
import type { RenewalDesk } from '#core/renewals/desk';
import type { Retention } from '#core/renewals/retention';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import { createTestDb } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { serveLocally } from '../support/local-api.ts';
import { mutableClock } from '../support/retention-fixture.ts';
import { fixtureText, HUBSPOT_URL, sign, webhookDeps } from '../support/webhooks.ts';

/**
 * Issue 17: ARR counted once when Stripe and a CRM both feed an account. Initech pays 14,988 EUR a year through
 * Stripe (the subscription fixture: 12 seats at 1,200 and a 49 a month add-on) and its renewal deal in HubSpot
 * says 15,000. By default billing carries the contract value; `contracts.arrFrom: "crm"` makes it the deal's.
 * Either way the account's ARR, the renewal desk and NRR/GRR count it once.
 */
const KEY = 'cg_test_value_source';
const NOW = '2026-08-01T12:00:00.000Z';
const STRIPE_ARR = 14_988;

async function initechFedByBoth(mapping: ConnectorMappingInput) {
  const db = await createTestDb();
  const clock = mutableClock('2025-07-01T12:00:00Z');
  await registerApiKey(db, KEY, 'test', clock.now());
  // A year ago: Initech paying 14,988 EUR (the retention cohort's starting ARR)
  await upsertAccount(
    db,
    account('initech', {
      currency: 'EUR',
      arr: STRIPE_ARR,
      contract: { startDate: '2025-01-01', renewalDate: '2026-01-01', arr: STRIPE_ARR },
    }),
    clock.now(),
  );
  clock.set(NOW);
  const api = await serveLocally(
    webhookDeps(
      db,
      { hubspot: { webhookUrl: HUBSPOT_URL, companies: { '7001': 'initech' } }, ...mapping },
      clock,
    ),
  );
  const post = (source: string, body: string, headers: Record<string, string>) =>
    fetch(`${api.base}/v1/webhooks/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const stripe = fixtureText('stripe-subscription-updated.json');
  expect((await post('stripe', stripe, sign.stripe(stripe, new Date(NOW)))).status).toBe(200);
  const at = Date.parse(NOW) - 60_000;
  const hubspot = JSON.stringify([
    {
      eventId: 8100001,
      subscriptionId: 2101,
      portalId: 62515,
      occurredAt: at,
      subscriptionType: 'deal.associationChange',
      associationType: 'DEAL_TO_COMPANY',
      fromObjectId: 9100,
      toObjectId: 7001,
      associationRemoved: false,
    },
    {
      eventId: 8100002,
      subscriptionId: 2102,
      portalId: 62515,
      occurredAt: at,
      subscriptionType: 'deal.propertyChange',
      objectId: 9100,
      propertyName: 'amount',
      propertyValue: '15000',
    },
    {
      eventId: 8100003,
      subscriptionId: 2102,
      portalId: 62515,
      occurredAt: at,
      subscriptionType: 'deal.propertyChange',
      objectId: 9100,
      propertyName: 'deal_currency_code',
      propertyValue: 'EUR',
    },
  ]);
  expect((await post('hubspot', hubspot, sign.hubspot(hubspot, new Date(NOW)))).status).toBe(200);
  const read = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const figures = {
    account: await read<{ arr: number; contract: { arr: number; renewalDate: string } }>(
      '/v1/accounts/initech',
    ),
    desk: await read<RenewalDesk>('/v1/renewals'),
    retention: await read<Retention>('/v1/retention'),
  };
  await api.close();
  return figures;
}

describe('contract value when Stripe and HubSpot both feed an account', () => {
  it('counts the billing ARR once by default: account, desk and NRR/GRR', async () => {
    const { account: initech, desk, retention } = await initechFedByBoth({});
    expect(initech.arr).toBe(STRIPE_ARR);
    expect(initech.contract).toMatchObject({ arr: STRIPE_ARR, renewalDate: '2027-01-01' });
    expect(desk.rows.map((r) => [r.accountId, r.arr, r.currency])).toEqual([['initech', STRIPE_ARR, 'EUR']]);
    expect(desk.windows.next180.arr).toEqual({ EUR: STRIPE_ARR });
    expect(retention.overall).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        startingArr: STRIPE_ARR,
        currentArr: STRIPE_ARR,
        nrr: 1,
        grr: 1,
      }),
    ]);
  });

  it('counts the CRM deal instead when contracts.arrFrom is crm, still once', async () => {
    const { account: initech, desk, retention } = await initechFedByBoth({ contracts: { arrFrom: 'crm' } });
    expect(initech.arr).toBe(15_000);
    expect(desk.rows.map((r) => r.arr)).toEqual([15_000]);
    expect(retention.overall).toEqual([
      expect.objectContaining({ startingArr: STRIPE_ARR, currentArr: 15_000, grr: 1 }),
    ]);
  });
});
