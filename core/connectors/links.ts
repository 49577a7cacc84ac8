import * as z from 'zod';
import type { SignalInput } from '#core/signals';
import type { AccountPatch, LookupKind, UserLink } from './shared.ts';
import { scalarText } from './shared.ts';

/**
 * What a webhook teaches about vendor identities: "this Segment user, Stripe customer, Zendesk organization or
 * ticket belongs to that account". The store keeps these links so that later records naming only the vendor
 * identity (`needsAccount`) find their account. Pure: derived from the body and the records already bound.
 */
export interface LookupLink {
  kind: Exclude<LookupKind, 'contact_email'>;
  key: string;
  accountId: string;
  /** Vendor time of the evidence; a link is replaced only by newer evidence. */
  at: string;
  /** The vendor record that established the link. */
  sourceRef: string;
}

export function segmentUserLinks(links: readonly UserLink[]): LookupLink[] {
  return links.map((link) => ({
    kind: 'segment_user',
    key: link.userId,
    accountId: link.accountId,
    at: link.linkedAt,
    sourceRef: link.sourceRef,
  }));
}

const expandable = z.union([z.string(), z.looseObject({ id: z.string() })]);
const stripeEnvelope = z.looseObject({
  id: z.string(),
  created: z.number().int(),
  data: z.looseObject({ object: z.looseObject({ customer: expandable.nullish() }) }),
});

/**
 * A Stripe event whose records were bound to an account without a customer lookup (metadata, or the mapping's
 * customer table) teaches `customer -> account`, so later events without metadata (invoices, usually) find it.
 * Nothing is learned when the records disagree on the account.
 */
export function stripeCustomerLink(
  body: unknown,
  bound: { signals: readonly SignalInput[]; accountPatches: readonly AccountPatch[] },
): LookupLink | undefined {
  const event = stripeEnvelope.safeParse(body);
  if (!event.success) return undefined;
  const customer = event.data.data.object.customer;
  const customerId = typeof customer === 'string' ? customer : customer?.id;
  if (!customerId) return undefined;
  const accounts = new Set([
    ...bound.signals.map((s) => s.accountId),
    ...bound.accountPatches.map((p) => p.accountId),
  ]);
  const [accountId] = accounts;
  if (accounts.size !== 1 || accountId === undefined) return undefined;
  return {
    kind: 'stripe_customer',
    key: customerId,
    accountId,
    // The event's time, not the records' (an invoice's signal is dated when it was paid).
    at: new Date(event.data.created * 1000).toISOString(),
    sourceRef: `stripe:${event.data.id}`,
  };
}

const idText = z.union([z.string(), z.number()]).transform((v) => scalarText(v));
const zendeskRecord = z.looseObject({
  id: idText.nullish(),
  ticket_id: idText.nullish(),
  organization_id: idText.nullish(),
  organization: z.looseObject({ id: idText.nullish() }).nullish(),
});
const zendeskBody = z.looseObject({
  ticket: z.unknown().optional(),
  tickets: z.array(z.unknown()).optional(),
  satisfaction_rating: z.unknown().optional(),
  satisfaction_ratings: z.array(z.unknown()).optional(),
});

/** Ticket id -> organization id, for every ticket or rating in a Zendesk body that names both. */
function zendeskOrganizations(body: unknown): Map<string, string> {
  const parsed = zendeskBody.safeParse(body);
  const out = new Map<string, string>();
  if (!parsed.success) return out;
  const { ticket, tickets, satisfaction_rating: rating, satisfaction_ratings: ratings } = parsed.data;
  const records: { raw: unknown; isTicket: boolean }[] = [
    ...(ticket === undefined ? [] : [{ raw: ticket, isTicket: true }]),
    ...(tickets ?? []).map((raw) => ({ raw, isTicket: true })),
    ...(rating === undefined ? [] : [{ raw: rating, isTicket: false }]),
    ...(ratings ?? []).map((raw) => ({ raw, isTicket: false })),
  ];
  for (const { raw, isTicket } of records) {
    const record = zendeskRecord.safeParse(raw);
    if (!record.success) continue;
    const ticketId = isTicket ? record.data.id : record.data.ticket_id;
    const organizationId = record.data.organization_id ?? record.data.organization?.id;
    if (ticketId && organizationId) out.set(ticketId, organizationId);
  }
  return out;
}

const ZENDESK_TICKET_SIGNAL = /^zendesk:ticket:/;

/**
 * Zendesk signals bound to an account, however they were bound, teach `ticket -> account` (a rating that names
 * only its ticket finds it) and, when the body names the ticket's organization, `organization -> account`.
 */
export function zendeskLinks(body: unknown, bound: readonly SignalInput[]): LookupLink[] {
  const organizations = zendeskOrganizations(body);
  const links = new Map<string, LookupLink>();
  for (const signal of bound) {
    const ticketId = signal.attributes?.ticketId;
    if (!ZENDESK_TICKET_SIGNAL.test(signal.id) || typeof ticketId !== 'string') continue;
    const common = { accountId: signal.accountId, at: signal.occurredAt, sourceRef: signal.id };
    const ticket: LookupLink = { kind: 'zendesk_ticket', key: ticketId, ...common };
    const previous = links.get(`t${ticketId}`);
    if (!previous || previous.at < ticket.at) links.set(`t${ticketId}`, ticket);
    const organizationId = organizations.get(ticketId);
    if (organizationId) {
      const organization: LookupLink = { kind: 'zendesk_organization', key: organizationId, ...common };
      const before = links.get(`o${organizationId}`);
      if (!before || before.at < organization.at) links.set(`o${organizationId}`, organization);
    }
  }
  return [...links.values()];
}
