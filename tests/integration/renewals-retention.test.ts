import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenewalDesk } from '#core/renewals/desk';
import type { Retention, RetentionFigures } from '#core/renewals/retention';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { openRisk } from '#store/risk-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { serveLocally } from '../support/local-api.ts';
import { FIXTURE_NOW, mutableClock, retentionFixture } from '../support/retention-fixture.ts';
import { openRiskRecord } from '../support/risks.ts';

const ADMIN = 'cg_test_renewals_admin';
const READ = 'cg_test_renewals_read';
const clock = mutableClock(FIXTURE_NOW);
let db: Db;
let api: { base: string; close(): Promise<void> };

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function sendFixture(): Promise<void> {
  for (const step of retentionFixture()) {
    clock.set(step.at);
    if ('accounts' in step) {
      expect((await call('POST', '/v1/accounts', { accounts: step.accounts })).status).toBe(200);
    } else {
      const signal = {
        id: `outcome-${step.outcome.accountId}`,
        accountId: step.outcome.accountId,
        type: 'renewal_outcome',
        occurredAt: step.at,
        attributes: { outcome: step.outcome.outcome },
      };
      expect((await call('POST', '/v1/signals', { signals: [signal] })).status).toBe(202);
    }
  }
  clock.set(FIXTURE_NOW);
}

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, ADMIN, 'test', clock.now());
  await registerApiKey(db, READ, 'page', clock.now(), 'read');
  api = await serveLocally(testDeps(db, clock));
  await sendFixture();
});

afterAll(async () => {
  await api.close();
});

const only = (figures: RetentionFigures[] | undefined, currency: string) => {
  const found = figures?.filter((f) => f.currency === currency) ?? [];
  expect(found).toHaveLength(1);
  return found[0] as RetentionFigures;
};

describe('retention over the trailing 12 months, per currency', () => {
  it('computes NRR and GRR of the cohort paying a year ago, as worked out by hand', async () => {
    const { status, body } = await call<Retention>('GET', '/v1/retention', undefined, READ);
    expect(status).toBe(200);
    expect(body.cohortDate).toBe('2025-12-05T12:00:00.000Z');
    // USD cohort: u-grow 100,000 -> 140,000, u-cut 50,000 -> 40,000, u-gone 20,000 -> 0 (u-new came after).
    // NRR = (140,000 + 40,000 + 0) / 170,000; GRR = (100,000 + 40,000 + 0) / 170,000.
    expect(only(body.overall, 'USD')).toEqual({
      currency: 'USD',
      cohortAccounts: 3,
      startingArr: 170_000,
      currentArr: 180_000,
      retainedArr: 140_000,
      nrr: 180_000 / 170_000,
      grr: 140_000 / 170_000,
      churnedAccounts: 1,
      logoChurn: 1 / 3,
    });
    // EUR cohort: e-flat 80,000 -> 80,000, e-grow 60,000 -> 90,000, e-gone 10,000 -> 0.
    // NRR = 170,000 / 150,000; GRR = (80,000 + 60,000 + 0) / 150,000.
    expect(only(body.overall, 'EUR')).toEqual({
      currency: 'EUR',
      cohortAccounts: 3,
      startingArr: 150_000,
      currentArr: 170_000,
      retainedArr: 140_000,
      nrr: 170_000 / 150_000,
      grr: 140_000 / 150_000,
      churnedAccounts: 1,
      logoChurn: 1 / 3,
    });
    expect(body.overall).toHaveLength(2);
  });

  it('breaks the figures down by segment and region without mixing currencies', async () => {
    const { body } = await call<Retention>('GET', '/v1/retention', undefined, READ);
    const segment = (name: string) => body.bySegment.find((s) => s.segment === name)?.figures;
    const region = (name: string) => body.byRegion.find((r) => r.region === name)?.figures;
    // core USD: u-cut 50,000 -> 40,000 and u-gone 20,000 -> 0: NRR = GRR = 40,000 / 70,000.
    expect(only(segment('core'), 'USD')).toMatchObject({ nrr: 40_000 / 70_000, grr: 40_000 / 70_000 });
    // strategic USD: u-grow alone, 100,000 -> 140,000: NRR 140%, GRR capped at 100%.
    expect(only(segment('strategic'), 'USD')).toMatchObject({ nrr: 1.4, grr: 1 });
    // core EUR: e-flat 80,000 and e-gone 10,000 -> 0: 80,000 / 90,000.
    expect(only(segment('core'), 'EUR')).toMatchObject({ nrr: 80_000 / 90_000, grr: 80_000 / 90_000 });
    expect(only(segment('strategic'), 'EUR')).toMatchObject({ nrr: 1.5, grr: 1 });
    // NA is USD only: u-grow and u-cut, 150,000 -> 180,000, capped 140,000.
    expect(region('NA')).toEqual([
      expect.objectContaining({ currency: 'USD', nrr: 1.2, grr: 140_000 / 150_000 }),
    ]);
    // EMEA holds u-gone (USD) and the three EUR accounts, each currency on its own.
    expect(only(region('EMEA'), 'USD')).toMatchObject({ cohortAccounts: 1, nrr: 0, grr: 0, logoChurn: 1 });
    expect(only(region('EMEA'), 'EUR')).toMatchObject({ cohortAccounts: 3, nrr: 170_000 / 150_000 });
  });
});

describe('the renewal desk', () => {
  it('lists renewals due within 180 days and overdue ones, and leaves resolved ones off', async () => {
    const { status, body } = await call<RenewalDesk>('GET', '/v1/renewals', undefined, READ);
    expect(status).toBe(200);
    // e-flat's date (2026-11-20) passed with no outcome; u-gone and e-gone churned for their renewal dates;
    // u-new renews in 239 days.
    expect(body.rows.map((r) => [r.accountId, r.daysToRenewal, r.window])).toEqual([
      ['e-flat', -15, 'overdue'],
      ['u-grow', 15, 'next30'],
      ['u-cut', 72, 'next90'],
      ['e-grow', 117, 'next180'],
    ]);
    expect(body.rows.find((r) => r.accountId === 'e-flat')).toMatchObject({
      derived: 'overdue',
      arr: 80_000,
    });
    expect(body.windows).toEqual({
      overdue: { renewals: 1, arr: { EUR: 80_000 } },
      next30: { renewals: 1, arr: { USD: 140_000 } },
      next90: { renewals: 2, arr: { USD: 180_000 } },
      next180: { renewals: 3, arr: { USD: 180_000, EUR: 90_000 } },
    });
  });

  it('counts an open risk raised by a renewal signal as at risk, and its ARR as at risk in retention', async () => {
    const openedAt = '2026-12-01T10:00:00.000Z';
    await openRisk(
      db,
      openRiskRecord('e-grow', openedAt, {
        arr: 90_000,
        primaryCause: 'price_pressure',
        strategy: 'recover',
        reasons: ['asked to cut the contract'],
        triggers: ['contract_cut'],
      }),
    );
    const desk = (await call<RenewalDesk>('GET', '/v1/renewals', undefined, READ)).body;
    expect(desk.rows.find((r) => r.accountId === 'e-grow')).toMatchObject({
      derived: 'at_risk',
      category: 'at_risk',
      openRisk: { tier: 1, triggers: ['contract_cut'], strategy: 'recover' },
    });
    // EUR: e-flat (overdue) and e-grow (at risk); USD rows count by their health, which this fixture leaves to
    // the scorer, so their sum is taken from the rows themselves.
    expect(desk.arrSavable.EUR).toBe(170_000);
    const savableUsd = desk.rows
      .filter((r) => r.currency === 'USD' && (r.category === 'at_risk' || r.category === 'overdue'))
      .reduce((sum, r) => sum + r.arr, 0);
    expect(desk.arrSavable.USD ?? 0).toBe(savableUsd);
    const retention = (await call<Retention>('GET', '/v1/retention', undefined, READ)).body;
    expect(retention.arrAtRisk).toEqual({ EUR: 90_000 });
  });

  it("keeps the CSM's call beside the derived category, for the renewal date it was made for", async () => {
    expect(
      (await call('POST', '/v1/renewals/u-cut/call', { category: 'commit', by: 'Casey' }, READ)).status,
    ).toBe(403);
    const made = await call('POST', '/v1/renewals/u-cut/call', {
      category: 'commit',
      note: 'PO signed',
      by: 'Casey',
    });
    expect(made).toMatchObject({
      status: 200,
      body: { category: 'commit', renewalDate: '2027-02-15', by: 'Casey' },
    });
    let row = (await call<RenewalDesk>('GET', '/v1/renewals')).body.rows.find((r) => r.accountId === 'u-cut');
    expect(row).toMatchObject({ category: 'commit', call: { note: 'PO signed' } });
    expect(row?.derived).not.toBe(undefined);

    // The renewal date moves: the call was for the old one and no longer counts.
    const original = retentionFixture()
      .flatMap((s) => ('accounts' in s ? s.accounts : []))
      .filter((a) => a.id === 'u-cut')
      .at(-1);
    if (!original) throw new Error('u-cut missing from the fixture');
    const moved = { ...original, contract: { ...original.contract, renewalDate: '2027-03-15' } };
    try {
      expect((await call('POST', '/v1/accounts', { accounts: [moved] })).status).toBe(200);
      row = (await call<RenewalDesk>('GET', '/v1/renewals')).body.rows.find((r) => r.accountId === 'u-cut');
      expect(row).toMatchObject({ call: null, renewalDate: '2027-03-15' });
      expect(row?.category).toBe(row?.derived);
    } finally {
      // The other tests read u-cut's renewal as the fixture has it, in any order.
      expect((await call('POST', '/v1/accounts', { accounts: [original] })).status).toBe(200);
    }
  });

  it('refuses a call naming no category it knows, and one for an unknown account', async () => {
    const bad = await call<{ errors: { path: string }[] }>('POST', '/v1/renewals/u-cut/call', {
      category: 'maybe',
      by: 'C',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['category']);
    expect((await call('POST', '/v1/renewals/nobody/call', { category: 'commit', by: 'C' })).status).toBe(
      404,
    );
  });
});
