import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { entityId } from '#core/ids';
import { type SignalInput, signalSchema } from '#core/signals';
import { type FieldError, fieldErrors } from '#core/validation';
import type { HeldEvent } from './hubspot-contact.ts';
import type { LookupLink } from './links.ts';
import type { ProfileChange } from './profile.ts';

/** A signal whose account is not known yet. */
export type UnboundSignal = Omit<SignalInput, 'accountId'>;

/** Which vendor identity an account must be looked up by. */
export const LOOKUP_KINDS = [
  'segment_user',
  'stripe_customer',
  'zendesk_organization',
  'zendesk_ticket',
  'hubspot_deal',
  'contact_email',
] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

export interface AccountLookup {
  kind: LookupKind;
  key: string;
}

/** Where contract data comes from: billing (Stripe) or the CRM (HubSpot deals, Salesforce opportunities). */
export const CONTRACT_SOURCES = ['stripe', 'hubspot', 'salesforce'] as const;
export type ContractSource = (typeof CONTRACT_SOURCES)[number];

/**
 * Contract data from billing. One patch describes one vendor object (`sourceRef`, e.g. a Stripe subscription):
 * an account with several subscriptions gets one patch each, and the store sums `arr` over the active ones.
 * Vendors do not deliver in order, so apply a patch only if `observedAt` is newer than the last one applied
 * for the same `sourceRef`.
 */
export interface AccountPatch {
  accountId: string;
  source: ContractSource;
  sourceRef: string;
  /** The vendor event that carried this state: replays carry the same id. */
  eventId: string;
  observedAt: string;
  /** The vendor's status of the object (Stripe: active, trialing, past_due, canceled, ...). */
  status: string;
  contract?: {
    /** YYYY-MM-DD (UTC). */
    renewalDate?: string;
    /** Annualised recurring revenue of this object in major currency units, list price before discounts. */
    arr?: number;
    /** Why `arr` is absent (metered or tiered price, no currency); the store keeps the previous value. */
    arrUnavailable?: string;
  };
  /** ISO 4217, upper case. */
  currency?: string;
}
export type UnboundPatch = Omit<AccountPatch, 'accountId'>;

export type Pending =
  | { kind: 'signal'; needsAccountFor: AccountLookup; signal: UnboundSignal }
  | { kind: 'accountPatch'; needsAccountFor: AccountLookup; patch: UnboundPatch };

/** A Segment user seen in an account (group call, or identify carrying the account trait). */
export interface UserLink {
  userId: string;
  accountId: string;
  linkedAt: string;
  /** The vendor message that established the link. */
  sourceRef: string;
}

export interface Ignored {
  /** What was ignored: a signal id to be, a vendor event id, or `batch[i]`. */
  ref: string;
  reason: string;
}

/**
 * What a connector makes of one webhook body. Everything a handler needs to persist is here; nothing is dropped
 * without an entry in `ignored`. `rejected` means the body as a whole was not understood (answer 400).
 */
export interface ConnectorResult {
  signals: SignalInput[];
  needsAccount: Pending[];
  accountPatches: AccountPatch[];
  userLinks: UserLink[];
  /** Vendor identity -> account links the body states outright (HubSpot deal-to-company associations). */
  links?: LookupLink[];
  /** Profile fields the CRM changed (HubSpot company name, region, owner). */
  profileChanges?: ProfileChange[];
  /** HubSpot contact and company events held per object until they make a contact (hubspot-contact.ts). */
  heldEvents?: HeldEvent[];
  ignored: Ignored[];
  rejected?: { reason: string; errors: FieldError[] };
}

export function emptyResult(): ConnectorResult {
  return { signals: [], needsAccount: [], accountPatches: [], userLinks: [], ignored: [] };
}

export function rejectedResult(reason: string, error?: z.ZodError): ConnectorResult {
  return { ...emptyResult(), rejected: { reason, errors: error ? fieldErrors(error) : [] } };
}

/** Where a record's account comes from. */
export type AccountResolution = { accountId: string } | { lookup: AccountLookup } | { missing: string };

/** Placeholder account used to validate a signal before its account is known. */
const PENDING_ACCOUNT = 'pending-account';

/** Zod issues as one line: `path: message; path: message`. */
export function describeError(error: z.ZodError): string {
  return fieldErrors(error)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
}

/** Validates a drafted signal against the signal schema and files it as a signal, a pending signal, or ignored. */
export function emitSignal(result: ConnectorResult, draft: UnboundSignal, account: AccountResolution): void {
  if ('missing' in account) {
    result.ignored.push({ ref: draft.id, reason: account.missing });
    return;
  }
  const accountId = 'accountId' in account ? account.accountId : PENDING_ACCOUNT;
  const parsed = signalSchema.safeParse({ ...draft, accountId });
  if (!parsed.success) {
    result.ignored.push({ ref: draft.id, reason: `not a valid signal: ${describeError(parsed.error)}` });
    return;
  }
  if ('accountId' in account) {
    result.signals.push(parsed.data);
    return;
  }
  const { accountId: _placeholder, ...signal } = parsed.data;
  result.needsAccount.push({ kind: 'signal', needsAccountFor: account.lookup, signal });
}

export function emitPatch(result: ConnectorResult, patch: UnboundPatch, account: AccountResolution): void {
  if ('missing' in account) result.ignored.push({ ref: patch.sourceRef, reason: account.missing });
  else if ('lookup' in account)
    result.needsAccount.push({ kind: 'accountPatch', needsAccountFor: account.lookup, patch });
  else result.accountPatches.push({ accountId: account.accountId, ...patch });
}

/** Completes a pending record once the handler has looked its account up. Throws a ZodError on a bad account id. */
export function bindAccount(
  pending: Pending,
  accountId: string,
): { kind: 'signal'; signal: SignalInput } | { kind: 'accountPatch'; patch: AccountPatch } {
  if (pending.kind === 'signal') {
    return { kind: 'signal', signal: signalSchema.parse({ ...pending.signal, accountId }) };
  }
  return { kind: 'accountPatch', patch: { accountId: entityId.parse(accountId), ...pending.patch } };
}

/** An account id read from vendor data: usable, present but unusable (with why), or absent. */
export type AccountRef = { accountId: string } | { invalid: string } | undefined;

export function accountRef(value: unknown): AccountRef {
  const text = scalarText(value);
  if (text === undefined) return undefined;
  if (entityId.safeParse(text).success) return { accountId: text };
  return {
    invalid: `"${text.slice(0, 64)}" is not a usable account id (no "#", whitespace or control characters)`,
  };
}

/** Strings and numbers as trimmed text; empty text (an unset Zendesk placeholder) as undefined. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

const MAX_SIGNAL_ID = 256;

/**
 * A deterministic signal id from vendor ids: `prefix:part:part`. Ids that would exceed the signal schema's limit
 * keep their prefix and hash the rest, so they stay deterministic.
 */
export function signalId(prefix: string, ...parts: string[]): string {
  const id = [prefix, ...parts].join(':');
  if (id.length <= MAX_SIGNAL_ID) return id;
  return `${prefix}:sha256:${createHash('sha256').update(parts.join(':')).digest('hex')}`;
}

/** An instant as ISO 8601 UTC, from ISO text or Unix seconds; undefined when unreadable. */
export function isoInstant(value: string | number | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Unix seconds as ISO 8601 UTC. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** The UTC calendar day of Unix seconds, YYYY-MM-DD. */
export function utcDateOfUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

const MAX_ATTRIBUTES = 20;
const MAX_ATTRIBUTE_TEXT = 512;

/** Signal attributes from loose values: undefined dropped, text cut to the schema's limit, at most 20 kept. */
export function attributes(
  values: Record<string, string | number | boolean | undefined>,
): Record<string, string | number | boolean> | undefined {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || Object.keys(out).length >= MAX_ATTRIBUTES) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    out[key] = typeof value === 'string' ? value.slice(0, MAX_ATTRIBUTE_TEXT) : value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A primitive (string, finite number, boolean) or undefined. */
export function primitive(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
