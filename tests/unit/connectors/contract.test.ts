import { describe, expect, it } from 'vitest';
import { applyPatch, type BillingSource, combineSources, isNewerPatch } from '#core/connectors/contract';
import type { AccountPatch } from '#core/connectors/shared';

const patch = (over: Partial<AccountPatch> = {}): AccountPatch => ({
  accountId: 'initech',
  source: 'stripe',
  sourceRef: 'stripe:subscription:sub_1',
  eventId: 'evt_1',
  observedAt: '2026-03-02T09:00:00.000Z',
  status: 'active',
  contract: { renewalDate: '2027-01-01', arr: 1200 },
  currency: 'EUR',
  ...over,
});

const source = (over: Partial<BillingSource> = {}): BillingSource => ({
  sourceRef: 'stripe:subscription:sub_1',
  source: 'stripe',
  eventId: 'evt_1',
  observedAt: '2026-03-02T09:00:00.000Z',
  status: 'active',
  renewalDate: '2027-01-01',
  arr: 1200,
  currency: 'EUR',
  ...over,
});

describe('isNewerPatch', () => {
  it('applies the first patch of a source, a later one, and refuses the same event or an older one', () => {
    expect(isNewerPatch(patch(), undefined)).toBe(true);
    expect(isNewerPatch(patch({ observedAt: '2026-03-02T09:00:01Z', eventId: 'evt_0' }), source())).toBe(
      true,
    );
    expect(isNewerPatch(patch(), source())).toBe(false);
    expect(isNewerPatch(patch({ observedAt: '2026-03-02T08:59:59Z', eventId: 'evt_9' }), source())).toBe(
      false,
    );
  });

  it('orders events of the same second by event id, whichever arrives first', () => {
    const b = patch({ eventId: 'evt_b' });
    const c = patch({ eventId: 'evt_c' });
    expect(isNewerPatch(c, source({ eventId: 'evt_b' }))).toBe(true);
    expect(isNewerPatch(b, source({ eventId: 'evt_c' }))).toBe(false);
  });

  it('compares instants, not text: an offset time equal to a UTC one is not newer', () => {
    expect(isNewerPatch(patch({ observedAt: '2026-03-02T10:00:00+01:00' }), source())).toBe(false);
  });
});

describe('applyPatch', () => {
  it('keeps the previous ARR when the new patch cannot price the subscription, saying why', () => {
    const next = applyPatch(
      source(),
      patch({
        eventId: 'evt_2',
        contract: { renewalDate: '2027-02-01', arrUnavailable: 'price p is metered' },
      }),
    );
    expect(next).toMatchObject({
      eventId: 'evt_2',
      arr: 1200,
      renewalDate: '2027-02-01',
      arrUnavailable: 'price p is metered',
    });
  });
});

describe('combineSources', () => {
  const account = { currency: 'EUR', startDate: '2026-01-01' };

  it('sums ARR over the sources in force and takes the latest renewal among them', () => {
    const combined = combineSources(
      [
        source(),
        source({ sourceRef: 's2', arr: 300.5, renewalDate: '2027-06-01', status: 'past_due' }),
        source({ sourceRef: 's3', arr: 999, renewalDate: '2028-01-01', status: 'canceled' }),
      ],
      account,
    );
    expect(combined).toEqual({ arr: 1500.5, renewalDate: '2027-06-01', inForce: 2, notes: {} });
  });

  it('answers ARR 0 and leaves the renewal alone when nothing is in force', () => {
    expect(combineSources([source({ status: 'canceled', arr: 0 })], account)).toEqual({
      arr: 0,
      inForce: 0,
      notes: {},
    });
  });

  it('leaves out, with a note, what is priced in another currency or not priced at all', () => {
    const combined = combineSources(
      [
        source(),
        source({ sourceRef: 'usd', currency: 'USD' }),
        source({ sourceRef: 'metered', arr: undefined, arrUnavailable: 'metered' }),
      ],
      account,
    );
    expect(combined.arr).toBe(1200);
    expect(combined.notes).toEqual({
      usd: 'priced in USD, the account in EUR: not counted in ARR',
      metered: 'ARR unknown: metered',
    });
  });

  it('does not claim an ARR when no source in force is priced in the account currency', () => {
    expect(combineSources([source({ currency: 'USD' })], account).arr).toBeUndefined();
  });

  it('refuses a renewal date that is not after the contract start', () => {
    const combined = combineSources([source({ renewalDate: '2025-12-31' })], account);
    expect(combined.renewalDate).toBeUndefined();
    expect(combined.notes.renewalDate).toMatch(/not after the contract start 2026-01-01/);
  });
});

describe('combineSources: one side carries the contract value', () => {
  const deal = source({
    sourceRef: 'hubspot:deal:9:amount',
    source: 'hubspot',
    arr: 1500,
    renewalDate: '2027-03-01',
  });

  it('counts billing by default and notes the CRM amount left out; the latest date of either side still counts', () => {
    expect(combineSources([source(), deal], { currency: 'EUR' })).toEqual({
      arr: 1200,
      renewalDate: '2027-03-01',
      inForce: 2,
      notes: {
        'hubspot:deal:9:amount':
          'hubspot amount not counted in ARR: billing carries the contract value (contracts.arrFrom)',
      },
    });
  });

  it('counts the CRM when told, and either side alone when only it feeds the account', () => {
    expect(combineSources([source(), deal], { currency: 'EUR' }, 'crm').arr).toBe(1500);
    expect(combineSources([deal], { currency: 'EUR' }).arr).toBe(1500);
    expect(combineSources([source()], { currency: 'EUR' }, 'crm').arr).toBe(1200);
    // A lost deal is out of force: billing alone again, under either rule
    expect(
      combineSources([source(), { ...deal, status: 'closed_lost' }], { currency: 'EUR' }, 'crm').arr,
    ).toBe(1200);
  });
});
