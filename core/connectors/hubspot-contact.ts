import * as z from 'zod';
import { CONTACT_ROLES, type Contact, type ContactRole, contactSchema } from '#core/accounts';
import { isNewerPatch } from './contract.ts';
import type { HubspotMapping } from './mapping.ts';
import type { AccountResolution } from './shared.ts';

/**
 * HubSpot contacts from webhooks (and the held record companies and deals share, hubspot-account.ts). HubSpot's events are thin: `contact.creation` names only the contact id, and a
 * `contact.propertyChange` one property and its new value. churnguard makes no call back to HubSpot, so what
 * arrives is held per HubSpot object (newer wins per property, by `occurredAt` then `eventId`) until the contact
 * has an email and a company; from then on the held record places the contact on its company's account, and a
 * later change (a new email, a new company, a deletion) moves or removes it there.
 *
 * Values are resolved through the mapping when the event is mapped (the company to its account id, the role
 * property to a churnguard role), so the held record alone decides the placement.
 */

export const HELD_CONTACT_FIELDS = ['email', 'firstName', 'lastName', 'role', 'account'] as const;
export type HeldContactField = (typeof HELD_CONTACT_FIELDS)[number];
/** What a company and a deal are held with until they can make an account (hubspot-account.ts). */
export const HELD_COMPANY_FIELDS = ['name', 'region', 'owner'] as const;
export const HELD_DEAL_FIELDS = ['renewalDate', 'amount', 'currency', 'stage', 'company'] as const;
const HELD_FIELDS = [...HELD_CONTACT_FIELDS, ...HELD_COMPANY_FIELDS, ...HELD_DEAL_FIELDS] as const;
export type HeldField = (typeof HELD_FIELDS)[number];

const stamp = z.object({ eventId: z.string(), observedAt: z.string() });
type Stamp = z.infer<typeof stamp>;

export const heldObjectSchema = z.object({
  objectType: z.enum(['contact', 'company', 'deal']),
  objectId: z.string(),
  created: stamp.optional(),
  deleted: stamp.optional(),
  /** Per property: the value the newest event gave it (null: cleared) and that event. */
  fields: z.partialRecord(z.enum(HELD_FIELDS), stamp.extend({ value: z.string().nullable() })),
});
export type HeldObject = z.infer<typeof heldObjectSchema>;

/** One HubSpot contact, company or deal event, as held. */
export type HeldEvent = Stamp & {
  objectType: HeldObject['objectType'];
  objectId: string;
} & (
    | { kind: 'created' }
    | { kind: 'deleted' }
    | { kind: 'property'; field: HeldField; value: string | null }
  );

export function emptyHeld(objectType: HeldObject['objectType'], objectId: string): HeldObject {
  return { objectType, objectId, fields: {} };
}

/** The held record with the event applied if it is newer than what it replaces; `changed` false otherwise. */
export function withHeldEvent(held: HeldObject, event: HeldEvent): { held: HeldObject; changed: boolean } {
  const { eventId, observedAt } = event;
  const previous =
    event.kind === 'property'
      ? held.fields[event.field]
      : event.kind === 'created'
        ? held.created
        : held.deleted;
  if (!isNewerPatch(event, previous)) return { held, changed: false };
  if (event.kind === 'created') return { held: { ...held, created: { eventId, observedAt } }, changed: true };
  if (event.kind === 'deleted') return { held: { ...held, deleted: { eventId, observedAt } }, changed: true };
  return {
    held: { ...held, fields: { ...held.fields, [event.field]: { eventId, observedAt, value: event.value } } },
    changed: true,
  };
}

/** Where a held contact belongs now: on an account as this contact, or nowhere yet (and why). */
export type ContactPlacement = { accountId: string; contact: Contact } | { waiting: string };

export function contactPlacement(held: HeldObject): ContactPlacement {
  if (held.objectType !== 'contact') return { waiting: 'not a contact' };
  if (held.deleted) return { waiting: 'deleted in HubSpot' };
  const value = (field: HeldContactField) => held.fields[field]?.value ?? undefined;
  const email = value('email');
  const accountId = value('account');
  if (!email) return { waiting: 'no email yet' };
  if (!accountId) return { waiting: 'no company yet' };
  const name = [value('firstName'), value('lastName')].filter(Boolean).join(' ') || email;
  const contact = contactSchema.safeParse({
    id: held.objectId,
    email,
    name: name.slice(0, 200),
    role: value('role') ?? 'user',
    timezone: 'UTC',
  });
  if (!contact.success) return { waiting: `not a valid contact: ${contact.error.issues[0]?.message ?? ''}` };
  return { accountId, contact: contact.data };
}

/** A role property's value as a churnguard role: the mapping's `contactRoles`, a role's own name, else `user`. */
export function contactRole(value: string | undefined, mapping: HubspotMapping): ContactRole {
  if (value === undefined) return 'user';
  const mapped = mapping.contactRoles[value];
  if (mapped) return mapped;
  const own = CONTACT_ROLES.find((role) => role === value.trim().toLowerCase());
  return own ?? 'user';
}

type Mapped = { event: HeldEvent } | { error: { path: string; message: string } } | { ignored: string };

/**
 * A `contact.propertyChange` as a held event: email and company are required (an empty or unreadable value is a
 * field error), names and role may be cleared; other properties are ignored with the reason.
 */
export function contactPropertyEvent(
  common: Stamp & { objectId: string },
  property: { name: string | undefined; value: string | undefined },
  index: number,
  mapping: HubspotMapping,
  companyAccount: (companyId: string) => AccountResolution,
): Mapped {
  const { contactProperties: properties } = mapping;
  const path = `[${index}].propertyValue`;
  const held = (field: HeldContactField, value: string | null): Mapped => ({
    event: { ...common, objectType: 'contact', kind: 'property', field, value },
  });
  switch (property.name) {
    case properties.email: {
      const email = z.email().max(254).safeParse(property.value);
      if (!email.success) return { error: { path, message: `${properties.email} must be an email address` } };
      return held('email', email.data);
    }
    case properties.company: {
      if (!property.value || !/^\d{1,30}$/.test(property.value))
        return { error: { path, message: `${properties.company} must be a HubSpot company id` } };
      const account = companyAccount(property.value);
      if (!('accountId' in account))
        return { ignored: 'missing' in account ? account.missing : 'no account' };
      return held('account', account.accountId);
    }
    case properties.firstName:
      return held('firstName', property.value ?? null);
    case properties.lastName:
      return held('lastName', property.value ?? null);
    case properties.role:
      return held('role', contactRole(property.value, mapping));
    default:
      return { ignored: `contact property ${property.name ?? '(none)'} is not mapped` };
  }
}
