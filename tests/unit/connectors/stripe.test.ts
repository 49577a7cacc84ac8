import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { mapStripeEvent, verifyStripeSignature } from '#core/connectors/stripe';
import { fixture, fixtureText, stripeSignatureHeader, unix } from './fixtures.ts';

const SECRET = 'whsec_test_b8f1c2d3e4';
const NOW = new Date('2026-03-02T09:00:30Z');

describe('Stripe-Signature', () => {
  const body = fixtureText('stripe-subscription-updated.json');
  const t = unix(NOW) - 30;

  it('accepts the signature Stripe computes over "<t>.<raw body>"', () => {
    expect(verifyStripeSignature(body, stripeSignatureHeader(body, SECRET, t), SECRET, NOW)).toEqual({
      ok: true,
    });
  });

  it('accepts a raw Buffer body and a header with several v1 signatures of which one matches', () => {
    const good = stripeSignatureHeader(body, SECRET, t);
    const header = `t=${t},v1=${'0'.repeat(64)},${good.split(',')[1]},v0=deadbeef`;
    expect(verifyStripeSignature(Buffer.from(body), header, SECRET, NOW)).toEqual({ ok: true });
  });

  it('accepts any of several configured secrets (secret roll)', () => {
    const header = stripeSignatureHeader(body, 'whsec_new', t);
    expect(verifyStripeSignature(body, header, ['whsec_old', 'whsec_new'], NOW)).toEqual({ ok: true });
  });

  it('refuses another secret and a body changed after signing', () => {
    const header = stripeSignatureHeader(body, SECRET, t);
    expect(verifyStripeSignature(body, stripeSignatureHeader(body, 'whsec_other', t), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
    expect(
      verifyStripeSignature(body.replace('"quantity": 12', '"quantity": 99'), header, SECRET, NOW).ok,
    ).toBe(false);
  });

  it('refuses a timestamp older than the 5-minute tolerance, and accepts one exactly at it', () => {
    const stale = stripeSignatureHeader(body, SECRET, unix(NOW) - 301);
    const edge = stripeSignatureHeader(body, SECRET, unix(NOW) - 300);
    expect(verifyStripeSignature(body, stale, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'timestamp is more than 300 seconds from now',
    });
    expect(verifyStripeSignature(body, edge, SECRET, NOW)).toEqual({ ok: true });
  });

  it('refuses a timestamp far in the future, and honours a custom tolerance', () => {
    const future = stripeSignatureHeader(body, SECRET, unix(NOW) + 3600);
    expect(verifyStripeSignature(body, future, SECRET, NOW).ok).toBe(false);
    expect(verifyStripeSignature(body, future, SECRET, NOW, 7200)).toEqual({ ok: true });
  });

  it('refuses missing or malformed headers with the reason', () => {
    expect(verifyStripeSignature(body, undefined, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'missing Stripe-Signature header',
    });
    expect(verifyStripeSignature(body, 'v1=abc', SECRET, NOW)).toEqual({
      ok: false,
      reason: 'Stripe-Signature has no timestamp',
    });
    expect(verifyStripeSignature(body, `t=${t},v0=abc`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'Stripe-Signature has no v1 signature',
    });
    expect(verifyStripeSignature(body, stripeSignatureHeader(body, SECRET, t), [], NOW).ok).toBe(false);
  });
});

describe('Stripe customer.subscription.updated (current API, from the API reference)', () => {
  const result = mapStripeEvent(fixture('stripe-subscription-updated.json'), defaultConnectorMapping);

  it('patches the account named in subscription metadata with renewal date and ARR', () => {
    // Renewal: the latest item current_period_end, 1798761600 = 2027-01-01. ARR in EUR:
    // seats 12 x 1,200.00 / year = 14,400.00; add-on 1 x 49.00 / month x 12 = 588.00; total 14,988.00.
    expect(result.accountPatches).toEqual([
      {
        accountId: 'initech',
        source: 'stripe',
        sourceRef: 'stripe:subscription:sub_1R2cgpB7WZ01zgkWl2ZB1Z0a',
        eventId: 'evt_1R2cguB7WZ01zgkWQYtNwo1s',
        observedAt: '2026-03-02T09:00:00.000Z',
        status: 'active',
        contract: { renewalDate: '2027-01-01', arr: 14988 },
        currency: 'EUR',
      },
    ]);
  });

  it('reports the seat reduction in previous_attributes as a contract change, direction reduce', () => {
    // Before: 15 seats (18,000.00 + 588.00); after: 12 seats (14,988.00).
    expect(result.signals).toEqual([
      {
        id: 'stripe:evt_1R2cguB7WZ01zgkWQYtNwo1s:contract_change',
        accountId: 'initech',
        type: 'contract_change_requested',
        occurredAt: '2026-03-02T09:00:00.000Z',
        attributes: { subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a', direction: 'reduce' },
      },
    ]);
  });

  it('maps a redelivered event to the same ids', () => {
    expect(mapStripeEvent(fixture('stripe-subscription-updated.json'), defaultConnectorMapping)).toEqual(
      result,
    );
  });
});

/** The documented event, with its subscription changed by `change` (the fixture stays untouched). */
function subscriptionEvent(type: string, change: (sub: Record<string, unknown>) => void, previous?: object) {
  const event = z
    .looseObject({ data: z.looseObject({ object: z.record(z.string(), z.unknown()) }) })
    .parse(fixture('stripe-subscription-updated.json'));
  change(event.data.object);
  return { ...event, type, data: { object: event.data.object, previous_attributes: previous } };
}

function onePrice(sub: Record<string, unknown>, price: object, quantity: number, currency = 'eur') {
  sub.currency = currency;
  sub.items = { data: [{ id: 'si_1', quantity, current_period_end: 1798761600, price }] };
}

const arrOf = (event: unknown) =>
  mapStripeEvent(event, defaultConnectorMapping).accountPatches[0]?.contract?.arr;

describe('Stripe ARR normalisation', () => {
  const recurring = (interval: string, count = 1) => ({
    interval,
    interval_count: count,
    usage_type: 'licensed',
  });

  it('annualises weekly (x52), daily (x365) and quarterly (x4) prices in major units', () => {
    const weekly = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(s, { unit_amount: 1000, recurring: recurring('week') }, 2),
    );
    const daily = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(s, { unit_amount: 150, recurring: recurring('day') }, 1),
    );
    const quarterly = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(s, { unit_amount: 30000, recurring: recurring('month', 3) }, 1),
    );
    expect(arrOf(weekly)).toBe(1040); // 10.00 x 2 x 52
    expect(arrOf(daily)).toBe(547.5); // 1.50 x 365
    expect(arrOf(quarterly)).toBe(1200); // 300.00 x 4
  });

  it('does not divide zero-decimal currencies and divides three-decimal ones by 1000', () => {
    const yen = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(s, { unit_amount: 5000, recurring: recurring('month') }, 3, 'jpy'),
    );
    const dinar = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(s, { unit_amount: 12500, recurring: recurring('year') }, 1, 'kwd'),
    );
    expect(arrOf(yen)).toBe(180000); // 5000 JPY x 3 x 12
    expect(arrOf(dinar)).toBe(12.5); // 12.500 KWD
  });

  it('bills package pricing per package (transform_quantity)', () => {
    const packs = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(
        s,
        {
          unit_amount: 9900,
          recurring: recurring('month'),
          transform_quantity: { divide_by: 10, round: 'up' },
        },
        25,
      ),
    );
    expect(arrOf(packs)).toBe(3564); // ceil(25 / 10) = 3 packs x 99.00 x 12
  });

  it('leaves ARR out, saying why, for metered and tiered prices, but still patches the renewal date', () => {
    const metered = subscriptionEvent('customer.subscription.created', (s) =>
      onePrice(
        s,
        { id: 'price_m', unit_amount: 5, recurring: { interval: 'month', usage_type: 'metered' } },
        1,
      ),
    );
    const [patch] = mapStripeEvent(metered, defaultConnectorMapping).accountPatches;
    expect(patch?.contract).toEqual({
      renewalDate: '2027-01-01',
      arrUnavailable: 'price price_m is metered',
    });
  });
});

describe('Stripe subscription lifecycle', () => {
  it('raises renewal_risk when cancel_at_period_end turns true, with the date service ends', () => {
    const event = subscriptionEvent(
      'customer.subscription.updated',
      (s) => {
        s.cancel_at_period_end = true;
        s.cancellation_details = { feedback: 'too_expensive', reason: 'cancellation_requested' };
      },
      { cancel_at_period_end: false },
    );
    expect(mapStripeEvent(event, defaultConnectorMapping).signals).toEqual([
      {
        id: 'stripe:evt_1R2cguB7WZ01zgkWQYtNwo1s:renewal_risk',
        accountId: 'initech',
        type: 'renewal_risk',
        occurredAt: '2026-03-02T09:00:00.000Z',
        attributes: {
          subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a',
          reason: 'cancellation_scheduled',
          cancelAt: '2027-01-01T00:00:00.000Z',
          feedback: 'too_expensive',
        },
      },
    ]);
  });

  it('does not raise renewal_risk again on later updates of an already cancelling subscription', () => {
    const event = subscriptionEvent(
      'customer.subscription.updated',
      (s) => {
        s.cancel_at_period_end = true;
      },
      { metadata: { note: 'x' } },
    );
    expect(mapStripeEvent(event, defaultConnectorMapping).signals).toEqual([]);
  });

  it('reports a plan upgrade as a contract change, direction increase', () => {
    const event = subscriptionEvent(
      'customer.subscription.updated',
      (s) => {
        onePrice(s, { id: 'price_pro', unit_amount: 9000, recurring: { interval: 'month' } }, 1);
      },
      {
        items: {
          data: [
            {
              id: 'si_1',
              quantity: 1,
              price: { id: 'price_basic', unit_amount: 3000, recurring: { interval: 'month' } },
            },
          ],
        },
      },
    );
    expect(mapStripeEvent(event, defaultConnectorMapping).signals).toMatchObject([
      { type: 'contract_change_requested', attributes: { direction: 'increase' } },
    ]);
  });

  it('records churn on deletion and zeroes the subscription ARR', () => {
    const event = subscriptionEvent('customer.subscription.deleted', (s) => {
      s.status = 'canceled';
      s.ended_at = 1772445600;
    });
    const result = mapStripeEvent(event, defaultConnectorMapping);
    expect(result.signals).toEqual([
      {
        id: 'stripe:evt_1R2cguB7WZ01zgkWQYtNwo1s:churned',
        accountId: 'initech',
        type: 'renewal_outcome',
        occurredAt: '2026-03-02T10:00:00.000Z',
        attributes: { outcome: 'churned', subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a' },
      },
    ]);
    expect(result.accountPatches[0]).toMatchObject({ status: 'canceled', contract: { arr: 0 } });
  });

  it('reports a move between prices of which only one has a yearly amount as a change of unknown direction', () => {
    // Metered use before, a licensed seat price after: neither more nor less can be told, but the contract changed.
    const metered = {
      id: 'price_m',
      unit_amount: 5,
      recurring: { interval: 'month', usage_type: 'metered' },
    };
    const licensed = {
      id: 'price_l',
      unit_amount: 1000,
      recurring: { interval: 'month', usage_type: 'licensed' },
    };
    const event = subscriptionEvent('customer.subscription.updated', (s) => onePrice(s, licensed, 2), {
      items: { data: [{ id: 'si_1', quantity: 1, current_period_end: 1798761600, price: metered }] },
    });
    expect(mapStripeEvent(event, defaultConnectorMapping).signals).toEqual([
      {
        id: 'stripe:evt_1R2cguB7WZ01zgkWQYtNwo1s:contract_change',
        accountId: 'initech',
        type: 'contract_change_requested',
        occurredAt: '2026-03-02T09:00:00.000Z',
        attributes: { subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a' },
      },
    ]);
  });
});

describe('Stripe account mapping', () => {
  const withoutMetadata = subscriptionEvent('customer.subscription.created', (s) => {
    s.metadata = {};
  });

  it('uses the customer table when no metadata names the account', () => {
    const mapping = connectorMappingSchema.parse({
      stripe: { customers: { cus_RwVXQ0ohbqDqfE: 'initrode' } },
    });
    expect(mapStripeEvent(withoutMetadata, mapping).accountPatches[0]?.accountId).toBe('initrode');
  });

  it('holds the patch for a customer lookup when nothing maps the customer', () => {
    const result = mapStripeEvent(withoutMetadata, defaultConnectorMapping);
    expect(result.accountPatches).toEqual([]);
    expect(result.needsAccount).toMatchObject([
      { kind: 'accountPatch', needsAccountFor: { kind: 'stripe_customer', key: 'cus_RwVXQ0ohbqDqfE' } },
    ]);
  });

  it('reads a custom metadata key, also from an expanded customer', () => {
    const mapping = connectorMappingSchema.parse({ stripe: { metadataKey: 'crm_id' } });
    const expanded = subscriptionEvent('customer.subscription.created', (s) => {
      s.metadata = {};
      s.customer = { id: 'cus_RwVXQ0ohbqDqfE', object: 'customer', metadata: { crm_id: 'hooli' } };
    });
    expect(mapStripeEvent(expanded, mapping).accountPatches[0]?.accountId).toBe('hooli');
  });
});

describe('Stripe invoice.payment_failed (current API, from the API reference)', () => {
  it('raises payment_failed for the account in the subscription details metadata', () => {
    const result = mapStripeEvent(fixture('stripe-invoice-payment-failed.json'), defaultConnectorMapping);
    expect(result.signals).toEqual([
      {
        id: 'stripe:evt_1R2dA1B7WZ01zgkWfailed:payment_failed',
        accountId: 'initech',
        type: 'payment_failed',
        occurredAt: '2026-03-03T09:00:00.000Z',
        attributes: {
          invoiceId: 'in_1R2d9yB7WZ01zgkW0001',
          subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a',
          currency: 'EUR',
          billingReason: 'subscription_cycle',
          amountDue: 14449,
          attempt: 2,
        },
      },
    ]);
  });
});

describe('Stripe events the connector does not map', () => {
  it('ignores an unknown event type with the reason, so the handler answers 200 and counts it', () => {
    const event = { id: 'evt_x', type: 'charge.refunded', created: 1772442000, data: { object: {} } };
    expect(mapStripeEvent(event, defaultConnectorMapping)).toEqual({
      signals: [],
      needsAccount: [],
      accountPatches: [],
      userLinks: [],
      ignored: [{ ref: 'stripe:evt_x', reason: 'event type charge.refunded is not mapped' }],
    });
  });

  it('rejects a body that is not an event, and a known event whose object is not understood', () => {
    expect(mapStripeEvent({ hello: 'world' }, defaultConnectorMapping).rejected?.reason).toBe(
      'not a Stripe event',
    );
    const broken = {
      id: 'evt_y',
      type: 'invoice.paid',
      created: 1772442000,
      data: { object: { id: 'in_1' } },
    };
    expect(mapStripeEvent(broken, defaultConnectorMapping).rejected).toEqual({
      reason: 'invoice.paid: invoice not understood',
      errors: [{ path: 'customer', message: expect.any(String) }],
    });
  });

  it('refuses a subscription change whose previous_attributes do not parse, naming the field, and emits nothing', () => {
    // A quantity that is not a number could read as a seat change either way: no guess, the sender hears why.
    const event = subscriptionEvent('customer.subscription.updated', () => {}, { quantity: 'fifteen' });
    expect(mapStripeEvent(event, defaultConnectorMapping)).toEqual({
      signals: [],
      needsAccount: [],
      accountPatches: [],
      userLinks: [],
      ignored: [],
      rejected: {
        reason: 'customer.subscription.updated: previous_attributes not understood',
        errors: [{ path: 'quantity', message: expect.any(String) }],
      },
    });
  });
});
