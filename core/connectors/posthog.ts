import * as z from 'zod';
import { anyEqual, refused, type Secrets, secretList, type Verification, verified } from './crypto.ts';
import type { ConnectorMapping, PosthogMapping } from './mapping.ts';
import {
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  emitSignal,
  emptyResult,
  isoInstant,
  primitive,
  rejectedResult,
  scalarText,
  signalId,
  type UnboundSignal,
} from './shared.ts';

/**
 * PostHog -> signals. PostHog's Webhook destination (Data pipelines -> Destinations -> Webhook) posts the JSON body
 * its template renders; churnguard's template (docs/connectors.md) is `{"event": "{event}", "person": "{person}",
 * "groups": "{groups}"}`, PostHog's globals as documented in "Customizing destinations": `event` holds `uuid`,
 * `event`, `distinct_id`, `properties` and `timestamp`; `groups` holds each group type's `{ id, properties }`.
 * Rows of a batch export (and events as the capture API takes them) carry the same fields at the top level with
 * the groups in `properties.$groups`; both map the same way, one at a time, as an array or `{ batch: [...] }`.
 *
 * The account is the key of the mapping's group type (group analytics: `company` by default). Each event becomes
 * one signal by the mapping's `events` rules (`login`, `feature_used` or `activity`), id `posthog:<uuid>`, so a
 * destination retry or a re-sent export changes nothing.
 */

/** PostHog's destinations do not sign; the destination sends churnguard's secret in a header of its own. */
export const POSTHOG_SECRET_HEADER = 'x-churnguard-secret';

/** `X-Churnguard-Secret: <secret>`, or `Authorization: Bearer <secret>`, compared in constant time. */
export function verifyPosthogSecret(
  secretHeader: string | undefined,
  authorizationHeader: string | undefined,
  secrets: Secrets,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no PostHog secret is configured');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorizationHeader?.trim() ?? '')?.[1]?.trim();
  const given = secretHeader?.trim() || bearer;
  if (!given) return refused('missing X-Churnguard-Secret header (or Authorization: Bearer)');
  return anyEqual([given], keys) ? verified : refused('secret does not match');
}

const jsonObject = z.record(z.string(), z.unknown());
const text = z.string().trim().min(1, 'must not be empty');

const posthogEvent = z.looseObject({
  uuid: text.max(128),
  event: text.max(256),
  distinct_id: z.union([text, z.number()]).transform(String),
  timestamp: text.refine((t) => isoInstant(t) !== undefined, 'must be a date-time'),
  properties: jsonObject.nullish(),
});
type PosthogEvent = z.infer<typeof posthogEvent>;

const group = z.looseObject({ id: z.union([z.string(), z.number()]).nullish() });
/** The webhook template's body: the event, and the groups PostHog resolved for it. */
const templated = z.looseObject({
  event: posthogEvent,
  person: z.unknown().optional(),
  groups: z.record(z.string(), group.nullish()).nullish(),
});

type Item = { event: PosthogEvent; groupKey: string | undefined };

function groupKeyOf(
  event: PosthogEvent,
  groups: Record<string, z.infer<typeof group> | null | undefined> | null | undefined,
  mapping: PosthogMapping,
): string | undefined {
  const fromGroups = scalarText(groups?.[mapping.groupType]?.id);
  if (fromGroups) return fromGroups;
  const $groups = event.properties?.$groups;
  if (typeof $groups === 'object' && $groups !== null && !Array.isArray($groups)) {
    return scalarText(($groups as Record<string, unknown>)[mapping.groupType]);
  }
  return undefined;
}

function accountFor(item: Item, mapping: PosthogMapping): AccountResolution {
  if (item.groupKey === undefined) {
    return { missing: `event has no "${mapping.groupType}" group (group analytics), so no account` };
  }
  const ref = accountRef(item.groupKey);
  if (!ref) return { missing: 'empty group key' };
  return 'accountId' in ref ? ref : { missing: ref.invalid };
}

function draftFor(event: PosthogEvent, mapping: PosthogMapping): UnboundSignal | undefined {
  const rule = Object.hasOwn(mapping.events, event.event) ? mapping.events[event.event] : undefined;
  const type = rule?.type ?? (mapping.unmapped === 'activity' ? 'activity' : undefined);
  if (!type) return undefined;
  const occurredAt = isoInstant(event.timestamp) as string;
  const base = { id: signalId('posthog', event.uuid), occurredAt };
  if (type === 'login')
    return { ...base, type, userId: event.distinct_id, attributes: attributes({ event: event.event }) };
  if (type === 'feature_used') {
    const named = rule?.featureProperty ? primitive(event.properties?.[rule.featureProperty]) : undefined;
    const feature = named === undefined ? event.event : String(named);
    return { ...base, type, userId: event.distinct_id, attributes: attributes({ feature }) };
  }
  return { ...base, type, userId: event.distinct_id, attributes: attributes({ event: event.event }) };
}

/** The events of a body, or the field errors that make it unreadable as a whole. */
function itemsOf(body: unknown, mapping: PosthogMapping): { items: Item[] } | { error: z.ZodError } {
  const batch = z.looseObject({ batch: z.array(z.unknown()) }).safeParse(body);
  const list: unknown[] = Array.isArray(body) ? body : batch.success ? batch.data.batch : [body];
  const pathOf = (index: number): PropertyKey[] =>
    Array.isArray(body) ? [index] : batch.success ? ['batch', index] : [];
  const items: Item[] = [];
  const issues: z.core.$ZodIssue[] = [];
  for (const [index, raw] of list.entries()) {
    const at = pathOf(index);
    const wrapped = templated.safeParse(raw);
    if (wrapped.success) {
      items.push({
        event: wrapped.data.event,
        groupKey: groupKeyOf(wrapped.data.event, wrapped.data.groups, mapping),
      });
      continue;
    }
    const bare = posthogEvent.safeParse(raw);
    if (bare.success) {
      items.push({ event: bare.data, groupKey: groupKeyOf(bare.data, undefined, mapping) });
      continue;
    }
    // Report against the shape the record looks like: a templated body has an `event` object.
    const looksTemplated =
      typeof raw === 'object' && raw !== null && typeof (raw as { event?: unknown }).event === 'object';
    const error = looksTemplated ? wrapped.error : bare.error;
    for (const issue of error.issues) issues.push({ ...issue, path: [...at, ...issue.path] });
  }
  if (issues.length > 0) return { error: new z.ZodError(issues) };
  return { items };
}

/**
 * Maps a PostHog webhook body or batch-export rows. An event missing `uuid`, `event`, `distinct_id` or a
 * readable `timestamp` rejects the whole body (400 naming the field), so nothing of it is stored.
 */
export function mapPosthogBody(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const section = mapping.posthog;
  const read = itemsOf(body, section);
  if ('error' in read)
    return rejectedResult('expected PostHog events (the webhook template in docs/connectors.md)', read.error);
  const result = emptyResult();
  for (const item of read.items) {
    const draft = draftFor(item.event, section);
    if (!draft) {
      result.ignored.push({
        ref: signalId('posthog', item.event.uuid),
        reason: `event ${item.event.event} is not mapped`,
      });
      continue;
    }
    emitSignal(result, draft, accountFor(item, section));
  }
  return result;
}
