import * as z from 'zod';
import { TICKET_PRIORITIES, type TicketPriority } from '#core/signals';
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
import type { ConnectorMapping, ZendeskMapping } from './mapping.ts';
import {
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  describeError,
  emitSignal,
  emptyResult,
  isoInstant,
  rejectedResult,
  scalarText,
  signalId,
  type UnboundSignal,
} from './shared.ts';

/**
 * Zendesk -> signals. Zendesk webhooks carry whatever JSON the trigger's body template renders; the template
 * churnguard expects is in docs/connectors.md and mirrors the API's ticket object, so API responses (a ticket,
 * a ticket list, satisfaction ratings) map the same way, which is what backfills use.
 */

export const ZENDESK_TOLERANCE_SECONDS = 300;

/**
 * Verifies `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret, timestamp + raw body)), with the
 * timestamp from `X-Zendesk-Webhook-Signature-Timestamp` (ISO 8601), which must lie within the tolerance of `now`.
 */
export function verifyZendeskSignature(
  rawBody: RawBody,
  signatureHeader: string | undefined,
  timestampHeader: string | undefined,
  secrets: Secrets,
  now: Date,
  toleranceSeconds = ZENDESK_TOLERANCE_SECONDS,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Zendesk signing secret is configured');
  const signature = signatureHeader?.trim();
  const timestamp = timestampHeader?.trim();
  if (!signature) return refused('missing X-Zendesk-Webhook-Signature header');
  if (!timestamp) return refused('missing X-Zendesk-Webhook-Signature-Timestamp header');
  const expected = keys.map((key) => hmac('sha256', key, timestamp, rawBody).toString('base64'));
  if (!anyEqual([signature], expected)) return refused('signature does not match');
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime())) return refused('signature timestamp is not a date');
  if (!withinTolerance(at, now, toleranceSeconds)) {
    return refused(`timestamp is more than ${toleranceSeconds} seconds from now`);
  }
  return verified;
}

/** Ids arrive as numbers from the API and as strings from placeholders; an unset placeholder renders "". */
const idText = z.union([z.string(), z.number()]).transform((v) => scalarText(v));
const text = z.string().nullish();

const organizationFields = {
  organization_id: idText.nullish(),
  organization_external_id: text,
  organization: z.looseObject({ id: idText.nullish(), external_id: text }).nullish(),
  requester_email: text,
};

const satisfactionRating = z.looseObject({
  id: idText.nullish(),
  ticket_id: idText.nullish(),
  score: text,
  comment: text,
  created_at: text,
  updated_at: text,
  ...organizationFields,
});
type SatisfactionRating = z.infer<typeof satisfactionRating>;

const ticket = z.looseObject({
  id: idText,
  status: text,
  priority: text,
  type: text,
  created_at: text,
  updated_at: text,
  satisfaction_rating: satisfactionRating.nullish(),
  ...organizationFields,
});
type Ticket = z.infer<typeof ticket>;
type OrganizationFields = Pick<Ticket, keyof typeof organizationFields>;

const bodies = {
  tickets: z.looseObject({ tickets: z.array(z.unknown()) }),
  ratings: z.looseObject({ satisfaction_ratings: z.array(z.unknown()) }),
  ticket: z.looseObject({ ticket: z.looseObject({}) }),
  rating: z.looseObject({ satisfaction_rating: z.looseObject({}) }),
};

const OPEN = new Set(['new', 'open', 'pending', 'hold', 'on-hold']);
const CLOSED = new Set(['solved', 'closed']);
/** Zendesk's states of a rating that has not been given. */
const NOT_RATED = new Set(['offered', 'unoffered']);

function priorityOf(value: string | null | undefined): TicketPriority | undefined {
  const normalised = value?.trim().toLowerCase();
  return TICKET_PRIORITIES.find((p) => p === normalised);
}

/** Account by: mapped organization id, organization external_id, requester email, then a lookup. */
function accountFor(
  fields: OrganizationFields,
  mapping: ZendeskMapping,
  ticketId: string | undefined,
): AccountResolution {
  const organizationId = fields.organization_id ?? fields.organization?.id ?? undefined;
  if (organizationId && Object.hasOwn(mapping.organizations, organizationId)) {
    const mapped = mapping.organizations[organizationId];
    if (mapped) return { accountId: mapped };
  }
  if (mapping.externalIdIsAccountId) {
    const ref = accountRef(fields.organization_external_id ?? fields.organization?.external_id);
    if (ref) return 'accountId' in ref ? ref : { missing: ref.invalid };
  }
  const email = scalarText(fields.requester_email)?.toLowerCase();
  if (email) return { lookup: { kind: 'contact_email', key: email } };
  if (ticketId && !organizationId) return { lookup: { kind: 'zendesk_ticket', key: ticketId } };
  if (organizationId) return { lookup: { kind: 'zendesk_organization', key: organizationId } };
  return { missing: 'ticket has no organization and no requester email' };
}

function csatDraft(
  rating: SatisfactionRating,
  ticketId: string | undefined,
  fallbackAt: string | undefined,
  mapping: ZendeskMapping,
): UnboundSignal | string {
  const score = rating.score?.trim().toLowerCase() ?? '';
  const kind = score.startsWith('good') ? 'good' : score.startsWith('bad') ? 'bad' : undefined;
  if (!kind) return `satisfaction rating "${score}" carries no score`;
  const ratingId = rating.id ?? undefined;
  const id = ticketId
    ? signalId('zendesk', 'ticket', ticketId, 'csat', kind)
    : ratingId
      ? signalId('zendesk', 'satisfaction', ratingId, kind)
      : undefined;
  if (!id) return 'satisfaction rating has neither ticket_id nor id';
  const occurredAt = isoInstant(rating.updated_at ?? rating.created_at) ?? fallbackAt;
  if (!occurredAt) return 'satisfaction rating has no readable time';
  return {
    id,
    type: 'csat',
    value: mapping.satisfaction[kind],
    occurredAt,
    attributes: attributes({ ticketId, rating: kind, comment: scalarText(rating.comment) }),
  };
}

function ticketDrafts(t: Ticket, ticketId: string): Array<UnboundSignal | string> {
  const status = t.status?.trim().toLowerCase() ?? '';
  if (!OPEN.has(status) && !CLOSED.has(status)) return [`ticket ${ticketId} has status "${status}"`];
  const createdAt = isoInstant(t.created_at);
  if (!createdAt) return [`ticket ${ticketId} has no readable created_at`];
  const priority = priorityOf(t.priority);
  const drafts: Array<UnboundSignal | string> = [
    {
      id: signalId('zendesk', 'ticket', ticketId, 'opened'),
      type: 'ticket_opened',
      occurredAt: createdAt,
      attributes: attributes({ ticketId, priority, ticketType: scalarText(t.type)?.toLowerCase() }),
    },
  ];
  if (CLOSED.has(status)) {
    drafts.push({
      id: signalId('zendesk', 'ticket', ticketId, 'closed'),
      type: 'ticket_closed',
      occurredAt: isoInstant(t.updated_at) ?? createdAt,
      attributes: attributes({ ticketId, status }),
    });
  }
  return drafts;
}

function mapTicket(result: ConnectorResult, raw: unknown, ref: string, mapping: ZendeskMapping): void {
  const parsed = ticket.safeParse(raw);
  const ticketId = parsed.success ? parsed.data.id : undefined;
  if (!parsed.success || !ticketId) {
    const why = parsed.success ? 'no id' : describeError(parsed.error);
    result.ignored.push({ ref, reason: `not a Zendesk ticket: ${why}` });
    return;
  }
  const t = parsed.data;
  const account = accountFor(t, mapping, undefined);
  const drafts = ticketDrafts(t, ticketId);
  // Every API ticket carries a rating, mostly "unoffered": only a given rating becomes a signal.
  const rating = t.satisfaction_rating;
  const score = rating?.score?.trim().toLowerCase();
  if (rating && score && !NOT_RATED.has(score)) {
    drafts.push(csatDraft(rating, ticketId, isoInstant(t.updated_at), mapping));
  }
  for (const draft of drafts) {
    if (typeof draft === 'string')
      result.ignored.push({ ref: signalId('zendesk', 'ticket', ticketId), reason: draft });
    else emitSignal(result, draft, account);
  }
}

function mapRating(result: ConnectorResult, raw: unknown, ref: string, mapping: ZendeskMapping): void {
  const parsed = satisfactionRating.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ ref, reason: `not a Zendesk satisfaction rating: ${describeError(parsed.error)}` });
    return;
  }
  const rating = parsed.data;
  const ticketId = rating.ticket_id ?? undefined;
  const draft = csatDraft(rating, ticketId, undefined, mapping);
  if (typeof draft === 'string')
    result.ignored.push({ ref: rating.id ? `zendesk:satisfaction:${rating.id}` : ref, reason: draft });
  else emitSignal(result, draft, accountFor(rating, mapping, ticketId));
}

/**
 * Maps a Zendesk webhook body: `{ ticket }` or `{ satisfaction_rating }` (the documented trigger templates), or an
 * API page `{ tickets: [...] }` / `{ satisfaction_ratings: [...] }`. Ids are `zendesk:ticket:<id>:opened`,
 * `zendesk:ticket:<id>:closed` and `zendesk:ticket:<id>:csat:<good|bad>`, so the trigger firing again on every
 * update of a ticket yields the same ids.
 */
export function mapZendeskBody(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const result = emptyResult();
  const section = mapping.zendesk;
  const tickets = bodies.tickets.safeParse(body);
  const ratings = bodies.ratings.safeParse(body);
  const one = bodies.ticket.safeParse(body);
  const rating = bodies.rating.safeParse(body);
  if (tickets.success) {
    for (const [i, t] of tickets.data.tickets.entries()) mapTicket(result, t, `tickets[${i}]`, section);
  } else if (ratings.success) {
    for (const [i, r] of ratings.data.satisfaction_ratings.entries()) {
      mapRating(result, r, `satisfaction_ratings[${i}]`, section);
    }
  } else if (one.success) {
    mapTicket(result, one.data.ticket, 'ticket', section);
  } else if (rating.success) {
    mapRating(result, rating.data.satisfaction_rating, 'satisfaction_rating', section);
  } else {
    return rejectedResult(
      'expected { ticket }, { satisfaction_rating }, { tickets: [] } or { satisfaction_ratings: [] }',
    );
  }
  return result;
}
