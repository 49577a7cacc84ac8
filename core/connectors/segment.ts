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
} from './crypto.ts';
import type { ConnectorMapping, SegmentMapping } from './mapping.ts';
import {
  type AccountRef,
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  describeError,
  emitSignal,
  emptyResult,
  isoInstant,
  primitive,
  rejectedResult,
  scalarText,
  signalId,
  type UnboundSignal,
  type UserLink,
} from './shared.ts';

/**
 * Segment -> signals. Accepts what Segment's Webhooks destinations and its HTTP API send: one message, a
 * `{ batch: [...] }` body, or a bare array. See docs/connectors.md for the mapping.
 */

const idText = z.union([z.string(), z.number()]).transform((v) => scalarText(v));
const jsonObject = z.record(z.string(), z.unknown());

const segmentMessage = z.looseObject({
  type: z.string().min(1),
  messageId: idText.optional(),
  userId: idText.nullish(),
  groupId: idText.nullish(),
  event: z.string().nullish(),
  name: z.string().nullish(),
  properties: jsonObject.nullish(),
  traits: jsonObject.nullish(),
  context: jsonObject.nullish(),
  timestamp: z.string().nullish(),
  originalTimestamp: z.string().nullish(),
  receivedAt: z.string().nullish(),
});
type SegmentMessage = z.infer<typeof segmentMessage>;

const segmentBody = z.union([
  z.looseObject({ batch: z.array(z.unknown()), context: jsonObject.nullish() }),
  z.array(z.unknown()),
  z.looseObject({ type: z.string() }),
]);

/** Segment's Webhooks destinations sign the body: `X-Signature` = hex(HMAC-SHA1(shared secret, body)). */
export function verifySegmentSignature(
  rawBody: RawBody,
  signatureHeader: string | undefined,
  secrets: Secrets,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Segment shared secret is configured');
  const given = signatureHeader?.trim().toLowerCase();
  if (!given) return refused('missing X-Signature header');
  const expected = keys.map((key) => hmac('sha1', key, rawBody).toString('hex'));
  return anyEqual([given], expected) ? verified : refused('signature does not match');
}

/**
 * For Segment set-ups that send a static credential instead of a signature (a custom `Authorization` header on
 * Webhooks (Actions), or partner subscriptions, which send `Basic base64(<key>:)`): accepts `Basic` whose user
 * name is the secret (password empty or equal to the secret) and `Bearer <secret>`.
 */
export function verifySegmentAuth(authorizationHeader: string | undefined, secrets: Secrets): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Segment shared secret is configured');
  const match = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  if (!match) return refused('missing or malformed Authorization header');
  const scheme = match[1]!.toLowerCase();
  const credential = match[2]!;
  let candidates: string[];
  if (scheme === 'bearer') {
    candidates = [credential];
  } else {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    candidates = password === '' || password === user ? [user] : [`${user}:${password}`];
  }
  return anyEqual(candidates, keys) ? verified : refused('credential does not match');
}

function traitOf(source: Record<string, unknown> | null | undefined, trait: string): unknown {
  return source?.[trait];
}

/** The account a message names, if any, according to the mapping. */
function accountOf(
  message: SegmentMessage,
  context: Record<string, unknown>,
  mapping: SegmentMapping,
): AccountRef {
  const rule = mapping.account;
  let raw: unknown;
  if (rule.from === 'groupId') {
    raw = message.type === 'group' ? message.groupId : context.groupId;
  } else {
    const own =
      message.type === 'identify' || message.type === 'group'
        ? traitOf(message.traits, rule.trait)
        : undefined;
    const contextTraits = jsonObject.safeParse(context.traits);
    raw = own ?? (contextTraits.success ? contextTraits.data[rule.trait] : undefined);
  }
  return accountRef(raw);
}

function resolution(account: AccountRef, userId: string | undefined): AccountResolution {
  if (account && 'accountId' in account) return account;
  if (account && 'invalid' in account) return { missing: account.invalid };
  if (userId) return { lookup: { kind: 'segment_user', key: userId } };
  return { missing: 'anonymous message with no account: nothing to attribute it to' };
}

function trackDraft(
  base: UnboundSignal,
  message: SegmentMessage,
  mapping: SegmentMapping,
): UnboundSignal | string {
  const event = scalarText(message.event);
  if (!event) return 'track call without an event name';
  const rule = Object.hasOwn(mapping.track, event) ? mapping.track[event] : undefined;
  if (!rule) {
    if (mapping.unmappedTrack === 'ignore')
      return `track event "${event}" has no rule and unmappedTrack is ignore`;
    return { ...base, type: 'activity', attributes: attributes({ call: 'track', event }) };
  }
  const properties = message.properties ?? {};
  const copied: Record<string, string | number | boolean | undefined> = {};
  for (const name of rule.copyProperties) copied[name] = primitive(properties[name]);
  const value = rule.valueProperty === undefined ? undefined : properties[rule.valueProperty];
  return {
    ...base,
    type: rule.type,
    ...(typeof value === 'number' ? { value } : {}),
    attributes: attributes({
      ...copied,
      event,
      feature: rule.type === 'feature_used' ? (rule.feature ?? event) : undefined,
      milestone: rule.type === 'milestone' ? (rule.milestone ?? event) : undefined,
      name: rule.type === 'metric' ? (rule.metric ?? event) : undefined,
    }),
  };
}

function messagesOf(body: z.infer<typeof segmentBody>): {
  items: unknown[];
  context: Record<string, unknown>;
} {
  if (Array.isArray(body)) return { items: body, context: {} };
  if ('batch' in body && Array.isArray(body.batch)) {
    const context = jsonObject.safeParse(body.context);
    return { items: body.batch, context: context.success ? context.data : {} };
  }
  return { items: [body], context: {} };
}

function draftFor(
  message: SegmentMessage,
  base: UnboundSignal,
  mapping: SegmentMapping,
): UnboundSignal | string {
  switch (message.type) {
    case 'identify':
    case 'page':
    case 'screen': {
      const as = mapping.calls[message.type];
      if (as === 'ignore') return `${message.type} calls are set to ignore`;
      return {
        ...base,
        type: as,
        attributes: attributes({ call: message.type, name: scalarText(message.name) }),
      };
    }
    case 'track':
      return trackDraft(base, message, mapping);
    case 'alias':
      return 'alias calls are not mapped: churnguard keys users by userId';
    default:
      return `unsupported Segment call type "${message.type}"`;
  }
}

function groupLink(
  account: AccountRef,
  userId: string | undefined,
  at: string,
  ref: string,
): UserLink | string {
  if (!account) return 'group call names no account';
  if ('invalid' in account) return account.invalid;
  if (!userId) return 'group call without a userId: nothing to link';
  return { userId, accountId: account.accountId, linkedAt: at, sourceRef: ref };
}

function mapMessage(
  result: ConnectorResult,
  message: SegmentMessage,
  ref: string,
  occurredAt: string,
  batchContext: Record<string, unknown>,
  mapping: SegmentMapping,
): void {
  const context = { ...batchContext, ...(message.context ?? {}) };
  const userId = message.userId ?? undefined;
  const account = accountOf(message, context, mapping);
  if (message.type === 'group') {
    const link = groupLink(account, userId, occurredAt, ref);
    if (typeof link === 'string') result.ignored.push({ ref, reason: link });
    else result.userLinks.push(link);
    return;
  }
  // An identify that names its account (the trait, or context.groupId) links its user as a group call would.
  if (message.type === 'identify' && userId && account && 'accountId' in account) {
    result.userLinks.push({ userId, accountId: account.accountId, linkedAt: occurredAt, sourceRef: ref });
  }
  const base: UnboundSignal = { id: ref, type: 'activity', occurredAt, ...(userId ? { userId } : {}) };
  const draft = draftFor(message, base, mapping);
  if (typeof draft === 'string') result.ignored.push({ ref, reason: draft });
  else emitSignal(result, draft, resolution(account, userId));
}

/**
 * Maps a Segment webhook body. `messageId` becomes the signal id (`segment:<messageId>`), so a replayed message
 * lands on the same id; a messageId repeated within one body is kept once.
 */
export function mapSegmentBody(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const parsed = segmentBody.safeParse(body);
  if (!parsed.success)
    return rejectedResult('not a Segment message, batch or array of messages', parsed.error);
  const { items, context } = messagesOf(parsed.data);
  const result = emptyResult();
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const message = segmentMessage.safeParse(item);
    if (!message.success) {
      result.ignored.push({
        ref: `batch[${index}]`,
        reason: `not a Segment message: ${describeError(message.error)}`,
      });
      return;
    }
    const { messageId } = message.data;
    if (!messageId) {
      result.ignored.push({
        ref: `batch[${index}]`,
        reason: 'no messageId: the message could not be de-duplicated',
      });
      return;
    }
    const ref = signalId('segment', messageId);
    if (seen.has(ref)) {
      result.ignored.push({ ref, reason: 'repeats a messageId seen earlier in this body' });
      return;
    }
    seen.add(ref);
    const { timestamp, originalTimestamp, receivedAt } = message.data;
    const occurredAt = isoInstant(timestamp ?? originalTimestamp ?? receivedAt);
    if (!occurredAt) {
      result.ignored.push({ ref, reason: 'no readable timestamp' });
      return;
    }
    mapMessage(result, message.data, ref, occurredAt, context, mapping.segment);
  });
  return result;
}
