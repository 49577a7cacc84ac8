import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defaultConfig } from '#config/default';
import { getAccount, upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readDaySignals } from '#store/signal-store';
import { pendingTimers } from '#store/timer-store';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import {
  corpusJson,
  counts,
  countsOf,
  dataItems,
  fixtureText,
  hasCorpora,
  jsonObject,
  NOW,
  sign,
  unix,
  webhookClient,
  webhookDeps,
} from '../support/webhooks.ts';

const contract = { startDate: '2026-01-01', renewalDate: '2026-12-01', arr: 48_000 };
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

let db: Db;
let post: ReturnType<typeof webhookClient>;

beforeAll(async () => {
  db = await createTestDb();
  for (const id of ['initech', 'globex', 'hooli', 'umbrella', 'soylent']) {
    await upsertAccount(db, account(id, { contract }), NOW);
  }
  post = webhookClient(webhookDeps(db));
});

/** Delivers a Stripe event as Stripe does: the serialised body, signed with the endpoint secret at `at`. */
function deliver(event: unknown, at: Date = NOW) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return post('stripe', body, sign.stripe(body, at));
}

const priceShape = z.looseObject({
  unit_amount: z.number(),
  recurring: z.looseObject({ interval: z.enum(['month', 'year']), interval_count: z.number() }),
});
const itemsShape = z.array(
  z.looseObject({ quantity: z.number(), current_period_end: z.number(), price: priceShape }),
);

/** A minimal subscription event in the current API's shape (period end on the item). */
function subscriptionEvent(options: {
  id: string;
  created: number;
  subscription: string;
  accountId?: string;
  customer?: string;
  quantity: number;
  periodEnd: string;
  status?: string;
  type?: string;
}) {
  return {
    id: options.id,
    object: 'event',
    type: options.type ?? 'customer.subscription.updated',
    created: options.created,
    data: {
      object: {
        id: options.subscription,
        object: 'subscription',
        customer: options.customer ?? `cus_${options.subscription}`,
        status: options.status ?? 'active',
        currency: 'eur',
        metadata: options.accountId ? { churnguard_account_id: options.accountId } : {},
        cancel_at_period_end: false,
        items: {
          data: [
            {
              id: `si_${options.subscription}`,
              quantity: options.quantity,
              current_period_end: unix(new Date(`${options.periodEnd}T00:00:00Z`)),
              price: {
                id: 'price_seat',
                currency: 'eur',
                billing_scheme: 'per_unit',
                unit_amount: 1000,
                recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
              },
            },
          ],
        },
      },
    },
  };
}

describe('POST /v1/webhooks/stripe', () => {
  const updated = fixtureText('stripe-subscription-updated.json');

  it('applies a signed subscription update to the contract and stores the seat reduction it signals', async () => {
    const event = z
      .looseObject({
        id: z.string(),
        created: z.number(),
        data: z.looseObject({ object: z.looseObject({ items: z.looseObject({ data: itemsShape }) }) }),
      })
      .parse(JSON.parse(updated));
    const items = event.data.object.items.data;
    // Independently: price x quantity x periods a year, cents to euros; renewal at the latest item period end.
    const arr =
      items.reduce(
        (sum, i) =>
          sum + i.price.unit_amount * i.quantity * (i.price.recurring.interval === 'month' ? 12 : 1),
        0,
      ) / 100;
    const renewalDate = day(Math.max(...items.map((i) => i.current_period_end)));

    const response = await deliver(updated);

    expect(response.status).toBe(200);
    expect(countsOf(response.outcome())).toEqual(
      counts({ accepted: 1, contracts: { applied: 1 }, links: 1 }),
    );
    expect(await getAccount(db, 'initech')).toMatchObject({
      arr,
      contract: { startDate: '2026-01-01', renewalDate, arr },
    });
    // The renewal countdown follows the new date: checkpoints still ahead of now, 09:00 UTC, T-n days.
    const renewalAt = Date.parse(`${renewalDate}T09:00:00Z`);
    const expected = defaultConfig.timers.renewalCheckpointDays
      .map((n) => ({ n, dueAt: renewalAt - n * 86_400_000 }))
      .filter(({ dueAt }) => dueAt > NOW.getTime())
      .map(({ n, dueAt }) => ({
        kind: 'renewal_checkpoint',
        ref: `T-${n}`,
        dueAt: new Date(dueAt).toISOString(),
      }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    expect(expected.length).toBeGreaterThan(0);
    // (A checkpoint the new date already put in the past runs once now, as `T-n.catch-up.<date>`.)
    const pending = await pendingTimers(db, 'initech');
    const countdown = pending.filter((t) => t.kind === 'renewal_checkpoint' && !t.ref.includes('.catch-up.'));
    expect(countdown).toEqual(expected);
    // A request to cut the contract starts a risk check at once, whatever the renewal date.
    expect(pending.filter((t) => t.kind === 'risk_check')).toEqual([
      {
        kind: 'risk_check',
        ref: `signal.stripe:${event.id}:contract_change`,
        dueAt: NOW.toISOString(),
      },
    ]);
    expect(await readDaySignals(db, 'initech', day(event.created))).toEqual([
      expect.objectContaining({
        id: `stripe:${event.id}:contract_change`,
        type: 'contract_change_requested',
        attributes: { subscriptionId: 'sub_1R2cgpB7WZ01zgkWl2ZB1Z0a', direction: 'reduce' },
      }),
    ]);
  });

  it('answers a replay within the tolerance with duplicates and an unchanged contract, changing no data', async () => {
    const before = await dumpTable(db, dataItems);
    const response = await deliver(updated);
    expect(countsOf(response.outcome())).toEqual(counts({ duplicates: 1, contracts: { unchanged: 1 } }));
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('finds the account of an invoice without metadata through the customer the subscription event taught', async () => {
    const failed = jsonObject.parse(JSON.parse(fixtureText('stripe-invoice-payment-failed.json')));
    const data = jsonObject.parse(failed.data);
    const invoice = { ...jsonObject.parse(data.object), parent: null, id: 'in_no_metadata' };
    const response = await deliver({ ...failed, id: 'evt_no_metadata', data: { ...data, object: invoice } });
    expect(countsOf(response.outcome())).toEqual(counts({ accepted: 1, lookups: { resolved: 1 } }));
    expect(await readDaySignals(db, 'initech', '2026-03-03')).toEqual([
      expect.objectContaining({
        id: 'stripe:evt_no_metadata:payment_failed',
        type: 'payment_failed',
        attributes: expect.objectContaining({ amountDue: 14449, attempt: 2 }),
      }),
    ]);
  });

  it('keeps the newest contract when Stripe delivers updates out of order', async () => {
    const older = subscriptionEvent({
      id: 'evt_older',
      created: unix(NOW) - 3600,
      subscription: 'sub_ooo',
      accountId: 'globex',
      quantity: 5,
      periodEnd: '2027-03-01',
    });
    const newer = subscriptionEvent({
      id: 'evt_newer',
      created: unix(NOW) - 60,
      subscription: 'sub_ooo',
      accountId: 'globex',
      quantity: 20,
      periodEnd: '2027-06-01',
    });

    const first = await deliver(newer);
    const late = await deliver(older);

    expect(countsOf(first.outcome()).contracts).toEqual({ applied: 1, unchanged: 0 });
    expect(countsOf(late.outcome()).contracts).toEqual({ applied: 0, unchanged: 1 });
    // 20 seats x 10.00 a month x 12 = 2400, renewing 2027-06-01: the older event does not roll it back.
    expect(await getAccount(db, 'globex')).toMatchObject({
      arr: 2400,
      contract: { renewalDate: '2027-06-01', arr: 2400 },
    });
  });

  it('reaches the same contract whatever the delivery order, same-second events included', async () => {
    const at = unix(NOW) - 600;
    const events = [
      subscriptionEvent({
        id: 'evt_a',
        created: at - 10,
        subscription: 'sub_x',
        quantity: 3,
        periodEnd: '2027-02-01',
      }),
      subscriptionEvent({
        id: 'evt_b',
        created: at,
        subscription: 'sub_x',
        quantity: 4,
        periodEnd: '2027-04-01',
      }),
      subscriptionEvent({
        id: 'evt_c',
        created: at,
        subscription: 'sub_x',
        quantity: 7,
        periodEnd: '2027-05-01',
      }),
    ];
    const forward = events.map((e) => ({
      ...e,
      data: { object: { ...e.data.object, metadata: { churnguard_account_id: 'hooli' } } },
    }));
    const backward = events
      .map((e) => ({
        ...e,
        data: { object: { ...e.data.object, id: 'sub_y', metadata: { churnguard_account_id: 'umbrella' } } },
      }))
      .reverse();
    for (const event of forward) await deliver(event);
    for (const event of backward) await deliver(event);
    const hooli = await getAccount(db, 'hooli');
    const umbrella = await getAccount(db, 'umbrella');
    expect(hooli?.contract).toEqual(umbrella?.contract);
    expect(hooli?.arr).toBe(umbrella?.arr);
    // Ties on `created` are ordered by event id: evt_c (7 seats) wins over evt_b.
    expect(hooli?.contract).toEqual({ startDate: '2026-01-01', renewalDate: '2027-05-01', arr: 840 });
  });

  it('parks a contract patch whose customer is unknown, and applies it once an event names the customer’s account', async () => {
    const anonymous = subscriptionEvent({
      id: 'evt_park',
      created: unix(NOW) - 120,
      subscription: 'sub_park',
      customer: 'cus_park',
      quantity: 2,
      periodEnd: '2027-08-01',
    });
    const parked = await deliver(anonymous);
    expect(countsOf(parked.outcome())).toEqual(counts({ lookups: { parked: 1 } }));
    expect(parked.outcome().unresolved).toEqual([
      {
        kind: 'stripe_customer',
        key: 'cus_park',
        ref: 'stripe:subscription:sub_park@evt_park',
        reason: 'no account is known for stripe_customer "cus_park"',
      },
    ]);

    const paid = {
      id: 'evt_paid_soylent',
      object: 'event',
      type: 'invoice.paid',
      created: unix(NOW) - 30,
      data: {
        object: {
          id: 'in_soylent',
          customer: 'cus_park',
          currency: 'eur',
          amount_paid: 2400,
          metadata: { churnguard_account_id: 'soylent' },
          status_transitions: { paid_at: unix(NOW) - 40 },
        },
      },
    };
    const released = await deliver(paid);
    expect(countsOf(released.outcome())).toEqual(
      counts({ accepted: 1, links: 1, contracts: { applied: 1 }, lookups: { released: 1 } }),
    );
    expect(await getAccount(db, 'soylent')).toMatchObject({
      arr: 240,
      contract: { renewalDate: '2027-08-01' },
    });
    expect(await dumpTable(db, (item) => item.kind === 'parked')).toEqual([]);
  });

  it('sums ARR over the subscriptions in force, and drops a deleted one with a churn signal', async () => {
    const at = unix(NOW) - 900;
    const seats = subscriptionEvent({
      id: 'evt_s1',
      created: at,
      subscription: 'sub_seats',
      accountId: 'initech',
      quantity: 10,
      periodEnd: '2027-09-01',
    });
    const addon = subscriptionEvent({
      id: 'evt_s2',
      created: at,
      subscription: 'sub_addon',
      accountId: 'initech',
      quantity: 1,
      periodEnd: '2027-10-01',
    });
    await deliver(seats);
    await deliver(addon);
    const before = await getAccount(db, 'initech');
    // 14988 from the fixture subscription, 1200 for 10 seats, 120 for the add-on; the add-on renews last.
    expect(before).toMatchObject({ arr: 16308, contract: { renewalDate: '2027-10-01' } });

    const deleted = subscriptionEvent({
      id: 'evt_s2_deleted',
      created: at + 60,
      subscription: 'sub_addon',
      accountId: 'initech',
      quantity: 1,
      periodEnd: '2027-10-01',
      status: 'canceled',
      type: 'customer.subscription.deleted',
    });
    const response = await deliver(deleted);
    expect(countsOf(response.outcome())).toEqual(
      counts({ accepted: 1, contracts: { applied: 1 }, links: 1 }),
    );
    expect(await getAccount(db, 'initech')).toMatchObject({
      arr: 16188,
      contract: { renewalDate: '2027-09-01', arr: 16188 },
    });
    const signals = await readDaySignals(db, 'initech', day(at + 60));
    expect(signals.filter((s) => s.type === 'renewal_outcome')).toMatchObject([
      {
        id: 'stripe:evt_s2_deleted:churned',
        attributes: { outcome: 'churned', subscriptionId: 'sub_addon' },
      },
    ]);
  });

  it('counts every subscription when deliveries for one account arrive at the same moment', async () => {
    await upsertAccount(db, account('massive', { contract }), NOW);
    const events = Array.from({ length: 6 }, (_, i) =>
      subscriptionEvent({
        id: `evt_par_${i}`,
        created: unix(NOW) - 100,
        subscription: `sub_par_${i}`,
        accountId: 'massive',
        quantity: i + 1,
        periodEnd: `2027-0${i + 1}-15`,
      }),
    );
    const answers = await Promise.all(events.map((event) => deliver(event)));
    expect(answers.map((a) => a.outcome().contracts.applied)).toEqual([1, 1, 1, 1, 1, 1]);
    // (1 + 2 + ... + 6) seats x 10.00 x 12 = 2520; the latest renewal is the sixth's.
    expect(await getAccount(db, 'massive')).toMatchObject({
      arr: 2520,
      contract: { renewalDate: '2027-06-15', arr: 2520 },
    });
  });

  it('refuses stale, tampered, foreign and missing signatures with 401 and the reason, storing nothing', async () => {
    const before = await dumpTable(db);
    const stale = await deliver(updated, new Date(NOW.getTime() - 301_000));
    const future = await deliver(updated, new Date(NOW.getTime() + 301_000));
    const tampered = await post('stripe', updated.replace('"active"', '"canceled"'), sign.stripe(updated));
    const foreign = await post('stripe', updated, sign.stripe(updated, NOW, 'whsec_someone_else'));
    const missing = await post('stripe', updated, {});
    expect([stale, future, tampered, foreign, missing].map((r) => r.status)).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expect(stale.message()).toBe('signature refused: timestamp is more than 300 seconds from now');
    expect(tampered.message()).toBe('signature refused: signature does not match');
    expect(missing.message()).toBe('signature refused: missing Stripe-Signature header');
    expect(await dumpTable(db)).toEqual(before);
  });

  it('acknowledges an event type it does not map with 200, counting it as ignored', async () => {
    const before = await dumpTable(db, dataItems);
    const response = await deliver({
      id: 'evt_customer_created',
      object: 'event',
      type: 'customer.created',
      created: unix(NOW) - 10,
      data: { object: { id: 'cus_new', object: 'customer' } },
    });
    expect(response.status).toBe(200);
    const outcome = response.outcome();
    expect(countsOf(outcome)).toEqual(counts({ ignored: 1 }));
    expect(outcome.ignoredRecords).toEqual([
      { ref: 'stripe:evt_customer_created', reason: 'event type customer.created is not mapped' },
    ]);
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('answers 400 to a mapped event whose object it does not understand, so Stripe retries it later', async () => {
    const response = await deliver({
      id: 'evt_bad',
      object: 'event',
      type: 'customer.subscription.updated',
      created: unix(NOW),
      data: { object: { id: 'sub_bad' } },
    });
    expect(response.status).toBe(400);
    expect(response.message()).toBe('customer.subscription.updated: subscription not understood');
  });

  it('counts a patch for an account churnguard does not know as rejected, storing nothing for it', async () => {
    const response = await deliver(
      subscriptionEvent({
        id: 'evt_nobody',
        created: unix(NOW),
        subscription: 'sub_nobody',
        accountId: 'nobody',
        quantity: 1,
        periodEnd: '2027-01-01',
      }),
    );
    const outcome = response.outcome();
    expect(countsOf(outcome)).toEqual(counts({ rejected: 1, links: 1 }));
    expect(outcome.rejections[0]?.errors).toEqual([
      { path: 'accountId', message: 'unknown account "nobody"; create it with POST /v1/accounts first' },
    ]);
    expect(await dumpTable(db, (item) => String(item.pk).startsWith('ACCOUNT#nobody'))).toEqual([]);
  });
});

describe.skipIf(!hasCorpora)(
  'dj-stripe subscriptions and invoices (older API) in signed envelopes, end to end (skipped where ../shared/corpora is absent)',
  () => {
    let corpusDb: Db;
    let send: ReturnType<typeof webhookClient>;
    const subscriptionShape = z.looseObject({
      current_period_end: z.number(),
      items: z.looseObject({ data: z.array(z.looseObject({ quantity: z.number(), price: priceShape })) }),
    });
    const djstripe = (file: string) => jsonObject.parse(corpusJson('stripe/dj-stripe', file));
    let sequence = 0;
    const envelope = (type: string, object: unknown) => {
      sequence += 1;
      const body = JSON.stringify({
        id: `evt_dj_${sequence}`,
        object: 'event',
        type,
        created: unix(NOW) - 5,
        data: { object },
      });
      return send('stripe', body, sign.stripe(body));
    };

    beforeAll(async () => {
      corpusDb = await createTestDb();
      await upsertAccount(
        corpusDb,
        account('globex', {
          currency: 'USD',
          contract: { startDate: '2018-06-16', renewalDate: '2019-01-01', arr: 1 },
        }),
        NOW,
      );
      // The customer table of the mapping config names the account (the fixtures carry no churnguard metadata).
      send = webhookClient(
        webhookDeps(corpusDb, { stripe: { customers: { cus_6lsBvm5rJ0zyHc: 'globex' } } }),
      );
    });

    it("sums both of customer cus_6lsBvm5rJ0zyHc's subscriptions into the contract, renewing at current_period_end", async () => {
      const files = [
        'subscription_sub_fakefakefakefakefake0001.json',
        'subscription_sub_fakefakefakefakefake0002.json',
      ];
      const subs = files.map((f) => subscriptionShape.parse(djstripe(f)));
      const arr =
        subs.flatMap((s) => s.items.data).reduce((sum, i) => sum + i.price.unit_amount * i.quantity * 12, 0) /
        100;
      const renewalDate = day(Math.max(...subs.map((s) => s.current_period_end)));
      for (const file of files) {
        const outcome = (await envelope('customer.subscription.updated', djstripe(file))).outcome();
        expect(countsOf(outcome).contracts, file).toEqual({ applied: 1, unchanged: 0 });
      }
      expect(await getAccount(corpusDb, 'globex')).toMatchObject({ arr, contract: { renewalDate, arr } });
    });

    it('stores invoice.paid as payment_succeeded on the day it was paid', async () => {
      const invoice = djstripe('invoice_in_fakefakefakefakefake0001.json');
      const { status_transitions: paid, amount_paid: amount } = z
        .looseObject({ amount_paid: z.number(), status_transitions: z.looseObject({ paid_at: z.number() }) })
        .parse(invoice);
      const outcome = (await envelope('invoice.paid', invoice)).outcome();
      // The customer link is already known from the subscription events of the same second.
      expect(countsOf(outcome)).toEqual(counts({ accepted: 1 }));
      expect(await readDaySignals(corpusDb, 'globex', day(paid.paid_at))).toMatchObject([
        { type: 'payment_succeeded', attributes: { amount: amount / 100, currency: 'USD' } },
      ]);
    });
  },
);
