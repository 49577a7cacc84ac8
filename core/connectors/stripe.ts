import * as z from 'zod';
import {
  anyEqual,
  hmac,
  type RawBody,
  refused,
  type Secrets,
  secretList,
  type Verification,
  verified,
  withinTolerance,
} from './crypto.ts';
import type { ConnectorMapping, StripeMapping } from './mapping.ts';
import {
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  emitPatch,
  emitSignal,
  emptyResult,
  isoFromUnix,
  rejectedResult,
  signalId,
  type UnboundPatch,
  type UnboundSignal,
  utcDateOfUnix,
} from './shared.ts';
import {
  annualMinor,
  priceIdOf,
  type StripeItem,
  stripeItem,
  stripePlan,
  toMajorUnits,
} from './stripe-arr.ts';

/** Stripe's own default tolerance for the signature timestamp. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Verifies `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`: v1 is HMAC-SHA256 of `<t>.<raw body>`
 * keyed with the endpoint's signing secret (`whsec_...`, used as is). Any v1 may match any configured secret
 * (Stripe sends several while a secret is rolled). A timestamp further than the tolerance from `now` is refused.
 * This stops replays older than the tolerance; replays within it are absorbed downstream, where the event id
 * makes every signal and patch id deterministic.
 */
export function verifyStripeSignature(
  rawBody: RawBody,
  header: string | undefined,
  secrets: Secrets,
  now: Date,
  toleranceSeconds = STRIPE_TOLERANCE_SECONDS,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Stripe signing secret is configured');
  if (!header) return refused('missing Stripe-Signature header');
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (name === 't' && timestamp === undefined) timestamp = value;
    if (name === 'v1' && value) signatures.push(value.toLowerCase());
  }
  if (!timestamp || !/^\d+$/.test(timestamp)) return refused('Stripe-Signature has no timestamp');
  if (signatures.length === 0) return refused('Stripe-Signature has no v1 signature');
  const expected = keys.map((key) => hmac('sha256', key, `${timestamp}.`, rawBody).toString('hex'));
  if (!anyEqual(signatures, expected)) return refused('signature does not match');
  if (!withinTolerance(new Date(Number(timestamp) * 1000), now, toleranceSeconds)) {
    return refused(`timestamp is more than ${toleranceSeconds} seconds from now`);
  }
  return verified;
}

const metadata = z.record(z.string(), z.unknown());
const expandable = z.union([z.string(), z.looseObject({ id: z.string(), metadata: metadata.nullish() })]);
const itemList = z.looseObject({ data: z.array(stripeItem) });

const subscription = z.looseObject({
  id: z.string().min(1),
  customer: expandable,
  status: z.string(),
  currency: z.string().nullish(),
  metadata: metadata.nullish(),
  cancel_at_period_end: z.boolean().nullish(),
  cancel_at: z.number().nullish(),
  canceled_at: z.number().nullish(),
  ended_at: z.number().nullish(),
  current_period_end: z.number().nullish(),
  cancellation_details: z
    .looseObject({ feedback: z.string().nullish(), reason: z.string().nullish() })
    .nullish(),
  items: itemList.nullish(),
  plan: stripePlan.nullish(),
  quantity: z.number().nullish(),
});
type Subscription = z.infer<typeof subscription>;

const previousSubscription = z.looseObject({
  items: itemList.optional(),
  plan: stripePlan.nullish(),
  quantity: z.number().nullish(),
  cancel_at_period_end: z.boolean().nullish(),
  cancel_at: z.number().nullish(),
});
type PreviousSubscription = z.infer<typeof previousSubscription>;

const invoice = z.looseObject({
  id: z.string().min(1),
  customer: expandable,
  currency: z.string().nullish(),
  amount_paid: z.number().nullish(),
  amount_due: z.number().nullish(),
  attempt_count: z.number().nullish(),
  billing_reason: z.string().nullish(),
  subscription: expandable.nullish(),
  metadata: metadata.nullish(),
  subscription_details: z.looseObject({ metadata: metadata.nullish() }).nullish(),
  parent: z
    .looseObject({
      subscription_details: z
        .looseObject({ metadata: metadata.nullish(), subscription: expandable.nullish() })
        .nullish(),
    })
    .nullish(),
  status_transitions: z.looseObject({ paid_at: z.number().nullish() }).nullish(),
});
type Invoice = z.infer<typeof invoice>;

export const stripeEventSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.looseObject({ object: z.looseObject({}), previous_attributes: z.looseObject({}).nullish() }),
});
type StripeEvent = z.infer<typeof stripeEventSchema>;

const idOf = (value: z.infer<typeof expandable>) => (typeof value === 'string' ? value : value.id);

/** Account from metadata (the object's own, then an expanded customer's), then the customer table. */
function accountFor(
  mapping: StripeMapping,
  customer: z.infer<typeof expandable>,
  metadatas: ReadonlyArray<Record<string, unknown> | null | undefined>,
): AccountResolution {
  const expanded = typeof customer === 'string' ? undefined : customer.metadata;
  for (const source of [...metadatas, expanded]) {
    const ref = accountRef(source?.[mapping.metadataKey]);
    if (ref) return 'accountId' in ref ? ref : { missing: ref.invalid };
  }
  const customerId = idOf(customer);
  const mapped = Object.hasOwn(mapping.customers, customerId) ? mapping.customers[customerId] : undefined;
  if (mapped) return { accountId: mapped };
  return { lookup: { kind: 'stripe_customer', key: customerId } };
}

function itemsOf(sub: Pick<Subscription, 'items' | 'plan' | 'quantity'>): StripeItem[] {
  if (sub.items && sub.items.data.length > 0) return sub.items.data;
  return sub.plan ? [{ plan: sub.plan, quantity: sub.quantity ?? 1 }] : [];
}

/** The renewal date: the latest `items.data[].current_period_end` (current API), else the subscription's own. */
function periodEnd(sub: Subscription): number | undefined {
  const ends = (sub.items?.data ?? []).flatMap((item) =>
    item.current_period_end == null ? [] : [item.current_period_end],
  );
  if (ends.length > 0) return Math.max(...ends);
  return sub.current_period_end ?? undefined;
}

function currencyCode(code: string | null | undefined): string | undefined {
  return code && /^[a-z]{3}$/i.test(code) ? code.toUpperCase() : undefined;
}

function currencyOf(sub: Subscription): string | undefined {
  const [first] = itemsOf(sub);
  return currencyCode(sub.currency ?? first?.price?.currency ?? first?.plan?.currency);
}

function contractPatch(event: StripeEvent, sub: Subscription, deleted: boolean): UnboundPatch {
  const currency = currencyOf(sub);
  const annual = annualMinor(itemsOf(sub));
  const end = periodEnd(sub);
  const contract: NonNullable<UnboundPatch['contract']> = {};
  if (deleted) contract.arr = 0;
  else if (typeof annual !== 'number') contract.arrUnavailable = annual.unavailable;
  else if (currency) contract.arr = toMajorUnits(annual, currency);
  else contract.arrUnavailable = 'subscription has no currency';
  if (!deleted && end !== undefined) contract.renewalDate = utcDateOfUnix(end);
  return {
    source: 'stripe',
    sourceRef: `stripe:subscription:${sub.id}`,
    eventId: event.id,
    observedAt: isoFromUnix(event.created),
    status: sub.status,
    contract,
    ...(currency ? { currency } : {}),
  };
}

/** The subscription as it was before the update, when previous_attributes says its items, plan or quantity changed. */
function itemsBefore(sub: Subscription, previous: PreviousSubscription): StripeItem[] | undefined {
  if (previous.items) return previous.items.data;
  if (previous.plan === undefined && previous.quantity === undefined) return undefined;
  const current = itemsOf(sub);
  if (current.length !== 1) return undefined;
  const [only] = current as [StripeItem];
  const plan = previous.plan ?? undefined;
  return [
    {
      ...only,
      ...(plan ? { price: undefined, plan } : {}),
      quantity: previous.quantity ?? only.quantity,
    },
  ];
}

function changeDirection(
  before: StripeItem[],
  after: StripeItem[],
): 'increase' | 'reduce' | 'none' | undefined {
  const was = annualMinor(before);
  const is = annualMinor(after);
  if (typeof was === 'number' && typeof is === 'number') {
    return is > was ? 'increase' : is < was ? 'reduce' : 'none';
  }
  const [b] = before;
  const [a] = after;
  if (before.length === 1 && after.length === 1 && b && a && priceIdOf(b) === priceIdOf(a)) {
    const q0 = b.quantity ?? 1;
    const q1 = a.quantity ?? 1;
    return q1 > q0 ? 'increase' : q1 < q0 ? 'reduce' : 'none';
  }
  return undefined;
}

function cancellationScheduled(sub: Pick<Subscription, 'cancel_at_period_end' | 'cancel_at'>): boolean {
  return sub.cancel_at_period_end === true || sub.cancel_at != null;
}

function renewalRisk(
  event: StripeEvent,
  sub: Subscription,
  previous: PreviousSubscription,
): UnboundSignal | undefined {
  const was =
    event.type !== 'customer.subscription.created' &&
    cancellationScheduled({
      cancel_at_period_end:
        previous.cancel_at_period_end === undefined
          ? sub.cancel_at_period_end
          : previous.cancel_at_period_end,
      cancel_at: previous.cancel_at === undefined ? sub.cancel_at : previous.cancel_at,
    });
  if (!cancellationScheduled(sub) || was) return undefined;
  const cancelAt = sub.cancel_at ?? (sub.cancel_at_period_end ? periodEnd(sub) : undefined);
  return {
    id: signalId('stripe', event.id, 'renewal_risk'),
    type: 'renewal_risk',
    occurredAt: isoFromUnix(event.created),
    attributes: attributes({
      subscriptionId: sub.id,
      reason: 'cancellation_scheduled',
      cancelAt: cancelAt === undefined ? undefined : isoFromUnix(cancelAt),
      feedback: sub.cancellation_details?.feedback ?? undefined,
    }),
  };
}

function contractChange(
  event: StripeEvent,
  sub: Subscription,
  previous: PreviousSubscription,
): UnboundSignal | undefined {
  const before = itemsBefore(sub, previous);
  if (!before) return undefined;
  const direction = changeDirection(before, itemsOf(sub));
  if (direction === 'none') return undefined;
  return {
    id: signalId('stripe', event.id, 'contract_change'),
    type: 'contract_change_requested',
    occurredAt: isoFromUnix(event.created),
    attributes: attributes({ subscriptionId: sub.id, direction }),
  };
}

function churned(event: StripeEvent, sub: Subscription): UnboundSignal {
  return {
    id: signalId('stripe', event.id, 'churned'),
    type: 'renewal_outcome',
    occurredAt: isoFromUnix(sub.ended_at ?? sub.canceled_at ?? event.created),
    attributes: attributes({
      outcome: 'churned',
      subscriptionId: sub.id,
      feedback: sub.cancellation_details?.feedback ?? undefined,
    }),
  };
}

function mapSubscription(event: StripeEvent, mapping: StripeMapping): ConnectorResult {
  const parsed = subscription.safeParse(event.data.object);
  if (!parsed.success) return rejectedResult(`${event.type}: subscription not understood`, parsed.error);
  const previous = previousSubscription.safeParse(event.data.previous_attributes ?? {});
  if (!previous.success)
    return rejectedResult(`${event.type}: previous_attributes not understood`, previous.error);
  const sub = parsed.data;
  const result = emptyResult();
  const account = accountFor(mapping, sub.customer, [sub.metadata]);
  const deleted = event.type === 'customer.subscription.deleted';
  emitPatch(result, contractPatch(event, sub, deleted), account);
  const drafts = deleted
    ? [churned(event, sub)]
    : [renewalRisk(event, sub, previous.data), contractChange(event, sub, previous.data)];
  for (const draft of drafts) if (draft) emitSignal(result, draft, account);
  return result;
}

function invoiceAccount(mapping: StripeMapping, inv: Invoice): AccountResolution {
  return accountFor(mapping, inv.customer, [
    inv.metadata,
    inv.parent?.subscription_details?.metadata,
    inv.subscription_details?.metadata,
  ]);
}

function mapInvoice(event: StripeEvent, mapping: StripeMapping): ConnectorResult {
  const parsed = invoice.safeParse(event.data.object);
  if (!parsed.success) return rejectedResult(`${event.type}: invoice not understood`, parsed.error);
  const inv = parsed.data;
  const currency = currencyCode(inv.currency);
  const major = (minor: number | null | undefined) =>
    minor == null || currency === undefined ? undefined : toMajorUnits(minor, currency);
  const sub = inv.parent?.subscription_details?.subscription ?? inv.subscription;
  const common = {
    invoiceId: inv.id,
    subscriptionId: sub ? idOf(sub) : undefined,
    currency,
    billingReason: inv.billing_reason ?? undefined,
  };
  const paid = event.type === 'invoice.paid';
  const type = paid ? 'payment_succeeded' : 'payment_failed';
  const draft: UnboundSignal = {
    id: signalId('stripe', event.id, type),
    type,
    occurredAt: isoFromUnix((paid ? inv.status_transitions?.paid_at : undefined) ?? event.created),
    attributes: paid
      ? attributes({ ...common, amount: major(inv.amount_paid) })
      : attributes({ ...common, amountDue: major(inv.amount_due), attempt: inv.attempt_count ?? undefined }),
  };
  const result = emptyResult();
  emitSignal(result, draft, invoiceAccount(mapping, inv));
  return result;
}

const HANDLERS: Record<string, (event: StripeEvent, mapping: StripeMapping) => ConnectorResult> = {
  'customer.subscription.created': mapSubscription,
  'customer.subscription.updated': mapSubscription,
  'customer.subscription.deleted': mapSubscription,
  'invoice.paid': mapInvoice,
  'invoice.payment_failed': mapInvoice,
};

export const STRIPE_EVENT_TYPES = Object.keys(HANDLERS);

/**
 * Maps one verified Stripe event. Signal ids are `stripe:<event id>:<kind>`, so a redelivered event yields the
 * same ids. Event types not listed in STRIPE_EVENT_TYPES are ignored with a reason; a known type whose object
 * does not parse is rejected (answer 400 so Stripe retries once the connector understands it).
 */
export function mapStripeEvent(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const envelope = stripeEventSchema.safeParse(body);
  if (!envelope.success) return rejectedResult('not a Stripe event', envelope.error);
  const event = envelope.data;
  const handler = Object.hasOwn(HANDLERS, event.type) ? HANDLERS[event.type] : undefined;
  if (handler) return handler(event, mapping.stripe);
  const result = emptyResult();
  result.ignored.push({ ref: `stripe:${event.id}`, reason: `event type ${event.type} is not mapped` });
  return result;
}
