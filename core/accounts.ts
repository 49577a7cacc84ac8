import * as z from 'zod';
import { entityId, wellFormedText } from './ids.ts';
import { storableNumber } from './validation.ts';

export const CONTACT_ROLES = ['sponsor', 'champion', 'admin', 'user'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

const isoDate = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });
const email = z.email({ error: 'must be an email address' }).max(254);
const person = z.strictObject({ name: wellFormedText.min(1).max(200), email });

/** Zones already checked: building a DateTimeFormat costs ~10 µs, and every stored account is parsed on read. */
const checkedZones = new Map<string, boolean>();

export function isTimeZone(zone: string): boolean {
  let valid = checkedZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (checkedZones.size < 1000) checkedZones.set(zone, valid);
  }
  return valid;
}

export const contactSchema = z.strictObject({
  id: entityId,
  email,
  name: wellFormedText.min(1).max(200),
  role: z.enum(CONTACT_ROLES, { error: `must be one of: ${CONTACT_ROLES.join(', ')}` }),
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
});

const money = storableNumber.refine((v) => v >= 0, 'must not be negative');

/** The most contacts one account holds. */
export const MAX_CONTACTS = 200;

const contactList = z
  .array(contactSchema)
  .max(MAX_CONTACTS)
  .superRefine((contacts, ctx) => {
    const seen = new Set<string>();
    contacts.forEach((contact, index) => {
      if (seen.has(contact.id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'is repeated in this account' });
      }
      seen.add(contact.id);
    });
  });

// Cross-field checks sit on the smallest object holding both fields, so they still run, and report, when an
// unrelated field of the account is wrong.
const seats = z
  .number({ error: 'must be a whole number of licensed seats from 1 to 10000000' })
  .int('must be a whole number of licensed seats from 1 to 10000000')
  .min(1, 'must be a whole number of licensed seats from 1 to 10000000')
  .max(10_000_000, 'must be a whole number of licensed seats from 1 to 10000000');

const contract = z
  .strictObject({
    startDate: isoDate,
    renewalDate: isoDate,
    arr: money,
    /** Licensed seats: usage per seat is scored beside the absolute figures (health.measures.perSeat). */
    seats: seats.optional(),
  })
  .refine((c) => c.renewalDate > c.startDate, {
    path: ['renewalDate'],
    message: 'must be after contract.startDate',
  });

export const MAX_ACCOUNT_ATTRIBUTES = 50;

const accountAttributes = z
  .record(
    wellFormedText
      .min(1, 'an attribute name must not be empty')
      .max(64, 'an attribute name must be at most 64 characters'),
    z.union([wellFormedText.max(512), storableNumber, z.boolean()], {
      error: 'must be text of at most 512 characters, a number or true/false',
    }),
  )
  .refine(
    (attributes) => Object.keys(attributes).length <= MAX_ACCOUNT_ATTRIBUTES,
    `must have at most ${MAX_ACCOUNT_ATTRIBUTES} attributes`,
  );

/** Vendor records that stand for this account, and the lookup each becomes (docs/connectors.md). */
export const EXTERNAL_ID_KINDS = ['hubspot_deal'] as const;

const externalIds = z
  .array(
    z.strictObject({
      kind: z.enum(EXTERNAL_ID_KINDS, { error: `must be one of: ${EXTERNAL_ID_KINDS.join(', ')}` }),
      id: entityId,
    }),
  )
  .max(200);

export const accountSchema = z.strictObject({
  id: entityId,
  name: wellFormedText.min(1).max(200),
  region: wellFormedText.min(1).max(64),
  arr: money,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  segment: wellFormedText.min(1).max(64).optional(),
  tier: wellFormedText.min(1).max(16).optional(),
  goLiveDate: isoDate,
  csm: person,
  manager: person.optional(),
  contacts: contactList,
  contract,
  /**
   * Vendor records of this account (a HubSpot renewal deal), so that a webhook naming only the record finds the
   * account. Learned as lookups on upsert; a later webhook with newer evidence (an association) moves them.
   */
  externalIds: externalIds.optional(),
  /**
   * What the company keeps about the account (plan, contract type, billing method, tenure...): any name, a number,
   * text or yes/no. Scored only by the custom measures the config names (health.measures.custom).
   */
  attributes: accountAttributes.optional(),
});

export type AccountInput = z.infer<typeof accountSchema>;
export type Contact = z.infer<typeof contactSchema>;

export interface Account extends AccountInput {
  createdAt: string;
  updatedAt: string;
}
