import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { mapStripeEvent, verifyStripeSignature } from '#core/connectors/stripe';
import { corpus, hasCorpora, stripeSignatureHeader, unix } from './fixtures.ts';

const SECRET = 'whsec_corpus_5d1e';
const NOW = new Date('2026-03-02T12:00:00Z');
const mapping = connectorMappingSchema.parse({
  stripe: { customers: { cus_QXg1o8vcGmoR32: 'acme', cus_6lsBvm5rJ0zyHc: 'globex' } },
});

const json = z.record(z.string(), z.unknown());
const priceShape = z.looseObject({
  unit_amount: z.number(),
  recurring: z.looseObject({ interval: z.literal('month'), interval_count: z.literal(1) }),
});
const itemShape = z.looseObject({
  quantity: z.number(),
  price: priceShape,
  current_period_end: z.number().optional(),
});
const subscriptionShape = z.looseObject({
  id: z.string(),
  customer: z.string(),
  current_period_end: z.number().optional(),
  items: z.looseObject({ data: z.array(itemShape) }),
});

const openapi = () =>
  z.looseObject({ resources: z.record(z.string(), json) }).parse(corpus('stripe/openapi/fixtures3.json'));
const djstripe = (file: string) => json.parse(corpus('stripe/dj-stripe', file));

let sequence = 0;
/** Wraps a vendor object in the event envelope Stripe delivers, serialises and signs it as Stripe would. */
function delivery(type: string, object: object, previous?: object) {
  sequence += 1;
  const event = {
    id: `evt_corpus_${sequence}`,
    object: 'event',
    type,
    created: unix(NOW) - 5,
    data: previous ? { object, previous_attributes: previous } : { object },
  };
  const body = JSON.stringify(event);
  return { event, body, header: stripeSignatureHeader(body, SECRET, unix(NOW) - 5) };
}

/** Verifies then maps, as the webhook handler will. */
function receive(d: ReturnType<typeof delivery>) {
  expect(verifyStripeSignature(d.body, d.header, SECRET, NOW)).toEqual({ ok: true });
  return mapStripeEvent(JSON.parse(d.body), mapping);
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const day = (seconds: number) => iso(seconds).slice(0, 10);

describe.skipIf(!hasCorpora)(
  'Stripe OpenAPI fixtures3 in signed envelopes (skipped where ../shared/corpora is absent)',
  () => {
    it('takes the renewal date from items.data[].current_period_end and ARR from price x quantity', () => {
      const sub = openapi().resources.subscription ?? {};
      const shape = subscriptionShape.parse(sub);
      const [item] = shape.items.data;
      // Current API shape: the period end is on the item (976287773 = 2000-12-08), not on the subscription.
      expect(shape.current_period_end).toBeUndefined();
      expect(item && day(item.current_period_end ?? 0)).toBe('2000-12-08');
      const withoutPackaging = {
        ...sub,
        items: { data: [{ ...item, price: { ...item?.price, transform_quantity: null } }] },
      };
      const [patch] = receive(delivery('customer.subscription.updated', withoutPackaging)).accountPatches;
      // 2000 cents x 1 x 12 months = 240.00 USD a year.
      expect(patch).toMatchObject({
        accountId: 'acme',
        contract: { renewalDate: '2000-12-08', arr: 240 },
        currency: 'USD',
      });
    });

    it('honours the fixture price transform_quantity: 1 unit in packages of 1592560163, rounded down, bills 0', () => {
      const sub = openapi().resources.subscription ?? {};
      const [patch] = receive(delivery('customer.subscription.updated', sub)).accountPatches;
      expect(patch?.contract).toEqual({ renewalDate: '2000-12-08', arr: 0 });
    });

    it('raises renewal_risk for a subscription created with cancel_at_period_end', () => {
      const sub = openapi().resources.subscription ?? {};
      const { cancel_at: cancelAt } = z.looseObject({ cancel_at: z.number() }).parse(sub);
      const d = delivery('customer.subscription.created', sub);
      expect(receive(d).signals).toEqual([
        {
          id: `stripe:${d.event.id}:renewal_risk`,
          accountId: 'acme',
          type: 'renewal_risk',
          occurredAt: iso(d.event.created),
          attributes: {
            subscriptionId: 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw',
            reason: 'cancellation_scheduled',
            cancelAt: iso(cancelAt),
          },
        },
      ]);
    });

    it('records churn when the subscription is deleted, at ended_at', () => {
      const sub = openapi().resources.subscription ?? {};
      const { ended_at: endedAt } = z.looseObject({ ended_at: z.number() }).parse(sub);
      const result = receive(delivery('customer.subscription.deleted', { ...sub, status: 'canceled' }));
      expect(result.signals).toMatchObject([
        { type: 'renewal_outcome', occurredAt: iso(endedAt), attributes: { outcome: 'churned' } },
      ]);
      expect(result.accountPatches[0]?.contract).toEqual({ arr: 0 });
    });

    it('maps the invoice to payment_succeeded on invoice.paid and payment_failed on invoice.payment_failed', () => {
      const inv = json.parse(openapi().resources.invoice);
      const {
        amount_paid: paid,
        amount_due: due,
        attempt_count: attempts,
      } = z
        .looseObject({ amount_paid: z.number(), amount_due: z.number(), attempt_count: z.number() })
        .parse(inv);
      const ok = delivery('invoice.paid', inv);
      const failed = delivery('invoice.payment_failed', inv);
      const common = {
        invoiceId: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
        subscriptionId: 'subscription',
        currency: 'USD',
        billingReason: 'manual',
      };
      expect(receive(ok).signals).toEqual([
        {
          id: `stripe:${ok.event.id}:payment_succeeded`,
          accountId: 'acme',
          type: 'payment_succeeded',
          // status_transitions.paid_at is null in the fixture, so the event time stands in.
          occurredAt: iso(ok.event.created),
          attributes: { ...common, amount: paid / 100 },
        },
      ]);
      expect(receive(failed).signals).toEqual([
        {
          id: `stripe:${failed.event.id}:payment_failed`,
          accountId: 'acme',
          type: 'payment_failed',
          occurredAt: iso(failed.event.created),
          attributes: { ...common, amountDue: due / 100, attempt: attempts },
        },
      ]);
    });

    it('ignores the fixture event (plan.created) with the reason, after verifying its signature', () => {
      const event = json.parse(openapi().resources.event);
      const body = JSON.stringify(event);
      const header = stripeSignatureHeader(body, SECRET, unix(NOW));
      expect(verifyStripeSignature(body, header, SECRET, NOW)).toEqual({ ok: true });
      expect(mapStripeEvent(event, mapping).ignored).toEqual([
        { ref: 'stripe:evt_1Pgc76B7WZ01zgkWwyRHS12y', reason: 'event type plan.created is not mapped' },
      ]);
    });

    it('refuses a stale delivery, a tampered body and a foreign secret', () => {
      const d = delivery('customer.subscription.updated', openapi().resources.subscription ?? {});
      const later = new Date(NOW.getTime() + 301_000);
      expect(verifyStripeSignature(d.body, d.header, SECRET, later).ok).toBe(false);
      expect(verifyStripeSignature(d.body.replace('"active"', '"canceled"'), d.header, SECRET, NOW).ok).toBe(
        false,
      );
      expect(verifyStripeSignature(d.body, d.header, 'whsec_someone_else', NOW).ok).toBe(false);
    });

    it('maps a redelivered event to the same ids and patches', () => {
      const d = delivery('customer.subscription.created', openapi().resources.subscription ?? {});
      expect(receive(d)).toEqual(receive(d));
    });
  },
);

describe.skipIf(!hasCorpora)(
  'dj-stripe objects, older API, in signed envelopes (skipped where ../shared/corpora is absent)',
  () => {
    const subscriptions = [1, 2, 3, 4].map((n) => `subscription_sub_fakefakefakefakefake000${n}.json`);

    it.each(subscriptions)(
      '%s: renewal date from the subscription current_period_end, ARR from its items',
      (file) => {
        const sub = djstripe(file);
        const shape = subscriptionShape.parse(sub);
        // Older API shape: no period end on the items.
        expect(shape.items.data.every((item) => item.current_period_end === undefined)).toBe(true);
        const monthlyCents = shape.items.data.reduce(
          (sum, item) => sum + item.price.unit_amount * item.quantity,
          0,
        );
        const result = receive(delivery('customer.subscription.updated', sub));
        const contract = { renewalDate: day(shape.current_period_end ?? 0), arr: (monthlyCents * 12) / 100 };
        if (shape.customer === 'cus_6lsBvm5rJ0zyHc') {
          expect(result.accountPatches).toMatchObject([
            { accountId: 'globex', contract, currency: 'USD', status: 'active' },
          ]);
        } else {
          expect(result.needsAccount).toMatchObject([
            {
              kind: 'accountPatch',
              needsAccountFor: { kind: 'stripe_customer', key: shape.customer },
              patch: { contract },
            },
          ]);
        }
        expect(result.signals).toEqual([]);
      },
    );

    it('reports a move from silver (40.00) to gold (20.00) in previous_attributes.plan as reduce, and back as increase', () => {
      const gold = djstripe('subscription_sub_fakefakefakefakefake0001.json');
      const silver = djstripe('subscription_sub_fakefakefakefakefake0002.json');
      const down = receive(
        delivery('customer.subscription.updated', gold, { plan: djstripe('plan_silver41294.json') }),
      );
      const up = receive(
        delivery('customer.subscription.updated', silver, { plan: djstripe('plan_gold21323.json') }),
      );
      expect(down.signals).toMatchObject([
        { type: 'contract_change_requested', accountId: 'globex', attributes: { direction: 'reduce' } },
      ]);
      expect(up.signals).toMatchObject([
        { type: 'contract_change_requested', accountId: 'globex', attributes: { direction: 'increase' } },
      ]);
    });

    it('reports a quantity change in previous_attributes', () => {
      const gold = djstripe('subscription_sub_fakefakefakefakefake0001.json');
      const result = receive(delivery('customer.subscription.updated', gold, { quantity: 5 }));
      expect(result.signals).toMatchObject([{ attributes: { direction: 'reduce' } }]);
    });

    it('raises renewal_risk when cancel_at_period_end turns true, ending at current_period_end', () => {
      const sub = {
        ...djstripe('subscription_sub_fakefakefakefakefake0001.json'),
        cancel_at_period_end: true,
      };
      const { current_period_end: end } = subscriptionShape.parse(sub);
      const result = receive(delivery('customer.subscription.updated', sub, { cancel_at_period_end: false }));
      expect(result.signals).toMatchObject([
        { type: 'renewal_risk', attributes: { cancelAt: iso(end ?? 0) } },
      ]);
    });

    it.each([
      ['invoice_in_fakefakefakefakefake0001.json', 'sub_fakefakefakefakefake0001'],
      ['invoice_in_fakefakefakefakefake0004.json', 'sub_fakefakefakefakefake0002'],
    ])('%s: invoice.paid becomes payment_succeeded at paid_at', (file, subscriptionId) => {
      const inv = djstripe(file);
      const shape = z
        .looseObject({
          id: z.string(),
          amount_paid: z.number(),
          status_transitions: z.looseObject({ paid_at: z.number() }),
        })
        .parse(inv);
      const d = delivery('invoice.paid', inv);
      expect(receive(d).signals).toEqual([
        {
          id: `stripe:${d.event.id}:payment_succeeded`,
          accountId: 'globex',
          type: 'payment_succeeded',
          occurredAt: iso(shape.status_transitions.paid_at),
          attributes: {
            invoiceId: shape.id,
            subscriptionId,
            currency: 'USD',
            billingReason: 'subscription_create',
            amount: shape.amount_paid / 100,
          },
        },
      ]);
    });
  },
);
