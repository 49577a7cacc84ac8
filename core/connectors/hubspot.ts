import * as z from 'zod';
import { accountSchema } from '#core/accounts';
import { lostRenewal } from './crm-lost.ts';
import { crmAmount, crmCurrency, crmDate } from './crm-values.ts';
import { anyEqual, hmac, refused, type Secrets, secretList, type Verification, verified } from './crypto.ts';
import { dealSourceRef, heldCompanyProperty, heldDealProperty } from './hubspot-account.ts';
import { contactPropertyEvent, type HeldEvent } from './hubspot-contact.ts';
import type { LookupLink } from './links.ts';
import type { ConnectorMapping, HubspotMapping } from './mapping.ts';
import type { ProfileChange } from './profile.ts';
import {
  type AccountResolution,
  accountRef,
  type ConnectorResult,
  describeError,
  emitPatch,
  emitSignal,
  emptyResult,
  rejectedResult,
  scalarText,
  type UnboundPatch,
} from './shared.ts';

/**
 * HubSpot -> contracts. A HubSpot app's webhook subscriptions (Webhooks API) post a JSON array of up to 100 thin
 * events, each naming one object and, for a property change, one property and its new value
 * (developers.hubspot.com/docs/api/webhooks, "Webhook payloads"). What churnguard reads from them:
 *
 * - `deal.propertyChange` of the mapping's renewal date, amount or currency property: a contract patch of the deal
 *   (`hubspot:deal:<id>:renewal` holds its renewal date, `hubspot:deal:<id>:amount` its amount and currency, so
 *   two properties changed in one edit, delivered with the same `occurredAt`, both apply);
 * - `deal.propertyChange` of the stage property to a lost stage (`closedlost`): the renewal is lost (crm-lost.ts),
 *   a `renewal_outcome` signal and the deal's sources out of force;
 * - `deal.associationChange` DEAL_TO_COMPANY: the deal's account (its company's), remembered as a `hubspot_deal`
 *   lookup; deal patches wait (parked) until the deal's account is known, from this or from `churnguard sync
 *   hubspot`, which loads companies, deals and contacts from an export.
 * - `company.propertyChange` of the mapped name, region or owner property: a profile change of the company's
 *   account (profile.ts); the owner becomes the CSM through `hubspot.owners`.
 * - `contact.propertyChange` of the mapped email, names, role and company, `contact.creation`, `contact.deletion`
 *   and `company.creation`: held per HubSpot object until a contact has an email and a company, then placed on
 *   its company's account (hubspot-contact.ts).
 * - the company's name, region and owner and the deal's renewal date, amount, currency, stage and company are held
 *   too, so that a company created in HubSpot becomes an account with its renewal deal (hubspot-account.ts).
 * Everything else (other properties, company and deal deletions, merges) is ignored with the reason. Generic
 * events (`object.*`, newer apps) are read as the legacy event of the same meaning (`legacyEvent`).
 */

/** HubSpot: "Reject the request if the timestamp is older than 5 minutes." */
export const HUBSPOT_MAX_AGE_SECONDS = 300;

/**
 * Characters HubSpot's v3 instructions say to decode in the request URI before signing
 * (developers.hubspot.com/docs/api/webhooks/validating-requests, "Validate the v3 request signature").
 */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function hubspotSignedUri(uri: string): string {
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (code) => DECODED[code.toUpperCase()] ?? code,
  );
}

export interface HubspotRequest {
  method: string;
  /** The full URL HubSpot posted to (scheme, host, path and query). */
  uri: string;
  rawBody: string | Uint8Array;
  signature: string | undefined;
  timestamp: string | undefined;
}

/**
 * Verifies `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(app client secret, method + URI + body + timestamp)),
 * with the timestamp (Unix milliseconds) from `X-HubSpot-Request-Timestamp`, refused when older than 5 minutes
 * (or more than 5 minutes ahead: a clock that far off is not HubSpot's).
 */
export function verifyHubspotSignature(
  request: HubspotRequest,
  secrets: Secrets,
  now: Date,
  maxAgeSeconds = HUBSPOT_MAX_AGE_SECONDS,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no HubSpot client secret is configured');
  const signature = request.signature?.trim();
  const timestamp = request.timestamp?.trim();
  if (!signature) return refused('missing X-HubSpot-Signature-v3 header');
  if (!timestamp) return refused('missing X-HubSpot-Request-Timestamp header');
  const uri = hubspotSignedUri(request.uri);
  const expected = keys.map((key) =>
    hmac('sha256', key, `${request.method.toUpperCase()}${uri}`, request.rawBody, timestamp).toString(
      'base64',
    ),
  );
  if (!anyEqual([signature], expected)) return refused('signature does not match');
  const at = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isFinite(at)) return refused('X-HubSpot-Request-Timestamp is not Unix milliseconds');
  if (Math.abs(now.getTime() - at) > maxAgeSeconds * 1000) {
    return refused(`timestamp is more than ${maxAgeSeconds} seconds from now`);
  }
  return verified;
}

const objectId = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{1,30}$/, 'must be a HubSpot id'),
]);

const hubspotEvent = z.looseObject({
  eventId: objectId,
  subscriptionType: z.string().min(1),
  occurredAt: z.number().int().positive({ error: 'must be Unix milliseconds' }),
  objectId: objectId.optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullish(),
  associationType: z.string().optional(),
  fromObjectId: objectId.optional(),
  toObjectId: objectId.optional(),
  associationRemoved: z.boolean().optional(),
  /** Generic subscriptions (`object.*`): the object's type, `0-1` contact, `0-2` company, `0-3` deal. */
  objectTypeId: z.string().optional(),
  fromObjectTypeId: z.string().optional(),
  toObjectTypeId: z.string().optional(),
});
type HubspotEvent = z.infer<typeof hubspotEvent>;

/** HubSpot's object type ids (generic subscriptions name an object by these) and the legacy names of their events. */
const LEGACY_OBJECT_NAMES: Record<string, 'contact' | 'company' | 'deal'> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
};

/**
 * A generic event (`object.creation`, `object.propertyChange`, `object.associationChange`, `object.deletion`, ...,
 * the object named by `objectTypeId`, an association by `fromObjectTypeId` and `toObjectTypeId`) as the legacy
 * event of the same meaning (`company.creation`, `deal.associationChange` DEAL_TO_COMPANY, ...), so both formats
 * take one path. An object type churnguard does not read keeps its generic name and is ignored with it.
 */
function legacyEvent(event: HubspotEvent): HubspotEvent {
  if (!event.subscriptionType.startsWith('object.')) return event;
  const action = event.subscriptionType.slice('object.'.length);
  if (action === 'associationChange') {
    const from = LEGACY_OBJECT_NAMES[event.fromObjectTypeId ?? ''];
    const to = LEGACY_OBJECT_NAMES[event.toObjectTypeId ?? ''];
    if (!from || !to) return event;
    return {
      ...event,
      subscriptionType: `${from}.associationChange`,
      associationType: `${from.toUpperCase()}_TO_${to.toUpperCase()}`,
    };
  }
  const name = LEGACY_OBJECT_NAMES[event.objectTypeId ?? ''];
  return name ? { ...event, subscriptionType: `${name}.${action}` } : event;
}

export const hubspotBody = z
  .array(hubspotEvent)
  .min(1, 'HubSpot sends at least one event')
  .max(1000)
  .transform((events) => events.map(legacyEvent));

/** The account of a HubSpot company: the mapping's table, else the company id itself when so configured. */
export function hubspotCompanyAccount(companyId: string, mapping: HubspotMapping): AccountResolution {
  if (Object.hasOwn(mapping.companies, companyId)) {
    const mapped = mapping.companies[companyId];
    if (mapped) return { accountId: mapped };
  }
  if (!mapping.companyIdIsAccountId) {
    return { missing: `company ${companyId} is not in hubspot.companies (companyIdIsAccountId is off)` };
  }
  const ref = accountRef(companyId);
  if (!ref) return { missing: 'no company id' };
  return 'accountId' in ref ? ref : { missing: ref.invalid };
}

const ref = (event: HubspotEvent) => `hubspot:event:${event.eventId}`;

/**
 * The contract patch a deal property change makes, or a field error naming what is wrong with it (the value is
 * unreadable), or undefined when the property is not one churnguard reads.
 */
function dealPatch(
  event: HubspotEvent,
  index: number,
  mapping: HubspotMapping,
):
  | { patch: UnboundPatch }
  | { lost: ReturnType<typeof lostRenewal> }
  | { error: { path: string; message: string } }
  | { ignored: string }
  | undefined {
  const dealId = String(event.objectId ?? '');
  const common = {
    source: 'hubspot' as const,
    eventId: String(event.eventId),
    observedAt: new Date(event.occurredAt).toISOString(),
    status: 'active',
  };
  const value = scalarText(event.propertyValue);
  const path = `[${index}].propertyValue`;
  const { deals } = mapping;
  if (event.propertyName === deals.renewalDate) {
    if (value === undefined) return { ignored: `${deals.renewalDate} was cleared: the renewal date is kept` };
    const renewalDate = crmDate(value);
    if (!renewalDate)
      return { error: { path, message: `${deals.renewalDate} must be a date (Unix ms or YYYY-MM-DD)` } };
    return { patch: { ...common, sourceRef: dealSourceRef(dealId, 'renewal'), contract: { renewalDate } } };
  }
  if (event.propertyName === deals.amount) {
    if (value === undefined)
      return {
        patch: {
          ...common,
          sourceRef: dealSourceRef(dealId, 'amount'),
          contract: { arrUnavailable: `${deals.amount} was cleared` },
        },
      };
    const arr = crmAmount(value);
    if (arr === undefined)
      return { error: { path, message: `${deals.amount} must be a number of at least 0` } };
    return { patch: { ...common, sourceRef: dealSourceRef(dealId, 'amount'), contract: { arr } } };
  }
  if (event.propertyName === deals.stage) {
    if (value === undefined || !deals.lostStages.includes(value)) {
      return { ignored: `${deals.stage} "${value ?? ''}" is not a lost stage (hubspot.deals.lostStages)` };
    }
    return {
      lost: lostRenewal({
        source: 'hubspot',
        kind: 'deal',
        id: dealId,
        sourceRefs: [dealSourceRef(dealId, 'renewal'), dealSourceRef(dealId, 'amount')],
        eventId: common.eventId,
        observedAt: common.observedAt,
        outcome: deals.lostOutcome,
        stage: value,
      }),
    };
  }
  if (event.propertyName === deals.currency) {
    if (value === undefined) return { ignored: `${deals.currency} was cleared: the currency is kept` };
    const currency = crmCurrency(value);
    if (!currency)
      return { error: { path, message: `${deals.currency} must be an ISO 4217 code such as USD` } };
    return { patch: { ...common, sourceRef: dealSourceRef(dealId, 'amount'), currency } };
  }
  return undefined;
}

/**
 * The profile change a company property change makes: its name, its region, or its owner as the CSM (through
 * `hubspot.owners`); a field error when the value cannot be the account's; ignored (with why) otherwise.
 */
function companyChange(
  event: HubspotEvent,
  index: number,
  mapping: HubspotMapping,
): { change: ProfileChange } | { error: { path: string; message: string } } | { ignored: string } {
  const { companyProperties: properties } = mapping;
  const field =
    event.propertyName === properties.name
      ? 'name'
      : event.propertyName === properties.region
        ? 'region'
        : event.propertyName === properties.owner
          ? 'owner'
          : undefined;
  if (!field) return { ignored: `company property ${event.propertyName ?? '(none)'} is not mapped` };
  const account = hubspotCompanyAccount(String(event.objectId ?? ''), mapping);
  if (!('accountId' in account)) return { ignored: 'missing' in account ? account.missing : 'no account' };
  const value = scalarText(event.propertyValue);
  const path = `[${index}].propertyValue`;
  const common = {
    accountId: account.accountId,
    source: 'hubspot' as const,
    eventId: String(event.eventId),
    observedAt: new Date(event.occurredAt).toISOString(),
  };
  if (field === 'owner') {
    const owner = value === undefined ? undefined : mapping.owners[value];
    if (!owner) return { ignored: `owner "${value ?? ''}" is not in hubspot.owners: the CSM is kept` };
    return { change: { ...common, field: 'csm', value: owner } };
  }
  const checked = accountSchema.shape[field].safeParse(value);
  if (!checked.success) {
    return {
      error: {
        path,
        message: `${event.propertyName} must be a non-empty ${field} (${describeError(checked.error)})`,
      },
    };
  }
  return { change: { ...common, field, value: checked.data } };
}

/** A contact event, or a company creation, as the held event it makes (hubspot-contact.ts). */
function heldEvent(
  event: HubspotEvent,
  index: number,
  mapping: HubspotMapping,
): { event: HeldEvent } | { error: { path: string; message: string } } | { ignored: string } {
  const common = {
    objectId: String(event.objectId),
    eventId: String(event.eventId),
    observedAt: new Date(event.occurredAt).toISOString(),
  };
  switch (event.subscriptionType) {
    case 'company.creation':
      return { event: { ...common, objectType: 'company', kind: 'created' } };
    case 'contact.creation':
      return { event: { ...common, objectType: 'contact', kind: 'created' } };
    case 'contact.deletion':
      return { event: { ...common, objectType: 'contact', kind: 'deleted' } };
    default:
      return contactPropertyEvent(
        common,
        { name: event.propertyName, value: scalarText(event.propertyValue) },
        index,
        mapping,
        (companyId) => hubspotCompanyAccount(companyId, mapping),
      );
  }
}

const isDealToCompany = (event: HubspotEvent) =>
  event.subscriptionType === 'deal.associationChange' &&
  event.associationType === 'DEAL_TO_COMPANY' &&
  event.associationRemoved !== true;

function hold(result: ConnectorResult, events: readonly HeldEvent[]): void {
  if (events.length > 0) result.heldEvents = [...(result.heldEvents ?? []), ...events];
}

const stampOf = (event: HubspotEvent) => ({
  objectId: String(event.objectId ?? ''),
  eventId: String(event.eventId),
  observedAt: new Date(event.occurredAt).toISOString(),
});

/**
 * What a deal property change holds for the deal, so that a deal of a company not yet an account can make it
 * (hubspot-account.ts): the renewal date, amount and currency as read for the patch, and the stage as written.
 */
function heldDealEvents(
  event: HubspotEvent,
  made: NonNullable<ReturnType<typeof dealPatch>>,
  mapping: HubspotMapping,
): HeldEvent[] {
  const stamp = stampOf(event);
  if (event.propertyName === mapping.deals.stage)
    return [heldDealProperty(stamp, 'stage', scalarText(event.propertyValue) ?? null)];
  if (!('patch' in made)) return [];
  const { contract, currency } = made.patch;
  const held: HeldEvent[] = [];
  if (contract?.renewalDate) held.push(heldDealProperty(stamp, 'renewalDate', contract.renewalDate));
  if (contract?.arr !== undefined) held.push(heldDealProperty(stamp, 'amount', String(contract.arr)));
  if (contract?.arrUnavailable) held.push(heldDealProperty(stamp, 'amount', null));
  if (currency) held.push(heldDealProperty(stamp, 'currency', currency));
  return held;
}

/** What a company property change holds for the company: its mapped name, region or owner, of a known account. */
function heldCompanyEvents(event: HubspotEvent, mapping: HubspotMapping): HeldEvent[] {
  const { companyProperties: properties } = mapping;
  const field = (['name', 'region', 'owner'] as const).find((f) => event.propertyName === properties[f]);
  if (!field) return [];
  if (!('accountId' in hubspotCompanyAccount(String(event.objectId ?? ''), mapping))) return [];
  return [heldCompanyProperty(stampOf(event), field, scalarText(event.propertyValue))];
}

/** DEAL_TO_COMPANY associations added in this body: deal -> the company's account. */
export function hubspotDealLinks(body: unknown, mapping: ConnectorMapping): LookupLink[] {
  const parsed = hubspotBody.safeParse(body);
  if (!parsed.success) return [];
  const links: LookupLink[] = [];
  for (const event of parsed.data) {
    if (!isDealToCompany(event) || event.fromObjectId === undefined || event.toObjectId === undefined)
      continue;
    const account = hubspotCompanyAccount(String(event.toObjectId), mapping.hubspot);
    if (!('accountId' in account)) continue;
    links.push({
      kind: 'hubspot_deal',
      key: String(event.fromObjectId),
      accountId: account.accountId,
      at: new Date(event.occurredAt).toISOString(),
      sourceRef: ref(event),
    });
  }
  return links;
}

/**
 * Maps a HubSpot webhook body (the JSON array). A body that is not that array, or a deal property churnguard reads
 * whose value is unreadable, rejects the whole body (400, naming `[i].field`), so nothing of it is stored and
 * HubSpot retries it once the mapping is fixed.
 */
export function mapHubspotEvents(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const parsed = hubspotBody.safeParse(body);
  if (!parsed.success)
    return rejectedResult('expected the JSON array of HubSpot webhook events', parsed.error);
  const result = emptyResult();
  const errors: { path: string; message: string }[] = [];
  for (const [index, event] of parsed.data.entries()) {
    switch (event.subscriptionType) {
      case 'deal.propertyChange': {
        if (event.objectId === undefined) {
          errors.push({ path: `[${index}].objectId`, message: 'a deal property change names its deal' });
          break;
        }
        const made = dealPatch(event, index, mapping.hubspot);
        if (!made) {
          result.ignored.push({
            ref: ref(event),
            reason: `deal property ${event.propertyName ?? '(none)'} is not mapped`,
          });
        } else if ('error' in made) {
          errors.push(made.error);
        } else if ('ignored' in made) {
          result.ignored.push({ ref: ref(event), reason: made.ignored });
        } else {
          const deal = { lookup: { kind: 'hubspot_deal' as const, key: String(event.objectId) } };
          if ('lost' in made) {
            emitSignal(result, made.lost.signal, deal);
            for (const patch of made.lost.patches) emitPatch(result, patch, deal);
          } else emitPatch(result, made.patch, deal);
        }
        if (made && !('error' in made)) hold(result, heldDealEvents(event, made, mapping.hubspot));
        break;
      }
      case 'deal.associationChange': {
        if (!isDealToCompany(event)) {
          result.ignored.push({
            ref: ref(event),
            reason: `association ${event.associationType ?? '(none)'} is not read`,
          });
        } else {
          const account = hubspotCompanyAccount(String(event.toObjectId ?? ''), mapping.hubspot);
          if ('missing' in account) result.ignored.push({ ref: ref(event), reason: account.missing });
          else if (event.fromObjectId !== undefined) {
            const stamp = { ...stampOf(event), objectId: String(event.fromObjectId) };
            hold(result, [heldDealProperty(stamp, 'company', String(event.toObjectId))]);
          }
        }
        break;
      }
      case 'company.propertyChange': {
        const made = companyChange(event, index, mapping.hubspot);
        if ('error' in made) errors.push(made.error);
        else if ('ignored' in made) result.ignored.push({ ref: ref(event), reason: made.ignored });
        else result.profileChanges = [...(result.profileChanges ?? []), made.change];
        if (!('error' in made)) hold(result, heldCompanyEvents(event, mapping.hubspot));
        break;
      }
      case 'contact.propertyChange':
      case 'contact.creation':
      case 'contact.deletion':
      case 'company.creation': {
        if (event.objectId === undefined) {
          errors.push({
            path: `[${index}].objectId`,
            message: `a ${event.subscriptionType} names its object`,
          });
          break;
        }
        const made = heldEvent(event, index, mapping.hubspot);
        if ('error' in made) errors.push(made.error);
        else if ('ignored' in made) result.ignored.push({ ref: ref(event), reason: made.ignored });
        else hold(result, [made.event]);
        break;
      }
      default:
        result.ignored.push({
          ref: ref(event),
          reason: `${event.subscriptionType}${event.subscriptionType.startsWith('object.') ? ` of object type ${event.objectTypeId ?? '(none)'}` : ''} is not read from webhooks`,
        });
    }
  }
  if (errors.length > 0) {
    return { ...emptyResult(), rejected: { reason: 'HubSpot events with unreadable values', errors } };
  }
  const links = hubspotDealLinks(parsed.data, mapping);
  if (links.length > 0) result.links = links;
  return result;
}
