import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { accountSchema, type Contact, MAX_CONTACTS } from '#core/accounts';
import {
  type ContactPlacement,
  contactPlacement,
  emptyHeld,
  type HeldEvent,
  type HeldObject,
  heldObjectSchema,
  withHeldEvent,
} from '#core/connectors/hubspot-contact';
import { getAccount, upsertAccount } from './account-store.ts';
import { batchGet } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * HubSpot objects held from webhooks (core/connectors/hubspot-contact.ts), one item per object
 * (`HUBSPOT#<type>#<id> / HELD`), with the account its contact was last placed on (`placedIn`) so a new company or
 * a deletion takes it off there. Each event: the held record read, the event applied if newer, the contact's
 * placement made true on the accounts, then the record written under its `version` (a concurrent delivery for the
 * same object makes this one start over). The accounts are brought to the placement on replays too, writing only
 * what differs: a crash between the account write and the record is repaired by HubSpot's retry, and a plain
 * replay writes nothing.
 */
const storedSchema = heldObjectSchema.extend({
  version: z.number().int().nonnegative(),
  placedIn: z.string().optional(),
});

export type HeldEventOutcome = {
  outcome: 'applied' | 'unchanged';
  /** The held record after the event. */
  held: HeldObject;
  /** The contact's placement after the event: on an account, or why not yet. */
  placement: ContactPlacement | undefined;
  /** The account the contact is on now (none while waiting, or while its account is not known). */
  placedIn: string | undefined;
};

const MAX_ATTEMPTS = 5;

export async function applyHeldEvent(db: Db, event: HeldEvent, now: Date): Promise<HeldEventOutcome> {
  const key = keys.hubspotHeld(event.objectType, event.objectId);
  for (let attempt = 1; ; attempt += 1) {
    const out = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
    );
    const stored = out.Item ? parseItem(storedSchema, out.Item, `HubSpot held ${key.pk}`) : undefined;
    const { version, placedIn, ...current } = stored ?? {
      ...emptyHeld(event.objectType, event.objectId),
      version: 0,
      placedIn: undefined,
    };
    const next = withHeldEvent(current, event);
    const planned = event.objectType === 'contact' ? contactPlacement(next.held) : undefined;
    const placing = planned && 'accountId' in planned ? await place(db, planned, now) : undefined;
    const placedNow = placing === 'full' ? undefined : placing;
    const placement: ContactPlacement | undefined =
      placing === 'full' && planned && 'accountId' in planned
        ? {
            waiting: `account "${planned.accountId}" already holds ${MAX_CONTACTS} contacts, the most an account can hold`,
          }
        : planned;
    if (placedIn && placedIn !== placedNow) await removeContact(db, placedIn, event.objectId, now);
    if (!next.changed && placedIn === placedNow)
      return { outcome: 'unchanged', held: next.held, placement, placedIn: placedNow };
    const written = await whenConditionHolds(() =>
      db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...key,
            kind: 'hubspotHeld',
            ...next.held,
            version: version + 1,
            ...(placedNow ? { placedIn: placedNow } : {}),
          },
          ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(pk)',
          ...(stored ? { ExpressionAttributeValues: { ':version': version } } : {}),
        }),
      ),
    );
    if (written)
      return {
        outcome: next.changed ? 'applied' : 'unchanged',
        held: next.held,
        placement,
        placedIn: placedNow,
      };
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`HubSpot held ${key.pk} kept changing under ${attempt} attempts`);
  }
}

/**
 * The contact on its account as placed (the account written only if it differs); undefined: no such account;
 * 'full': the account holds as many contacts as it can, so the contact waits (an account update would refuse it).
 */
async function place(
  db: Db,
  placement: { accountId: string; contact: Contact },
  now: Date,
): Promise<string | 'full' | undefined> {
  const { accountId, contact } = placement;
  const changed = await changeContacts(db, accountId, now, (contacts) => {
    const others = contacts.filter((c) => c.id !== contact.id);
    return [...others, contact];
  });
  if (changed === 'full') return 'full';
  return changed === 'unknown_account' ? undefined : accountId;
}

async function removeContact(db: Db, accountId: string, contactId: string, now: Date): Promise<void> {
  await changeContacts(db, accountId, now, (contacts) => contacts.filter((c) => c.id !== contactId));
}

async function changeContacts(
  db: Db,
  accountId: string,
  now: Date,
  change: (contacts: readonly Contact[]) => Contact[],
): Promise<'written' | 'same' | 'unknown_account' | 'full'> {
  const stored = await getAccount(db, accountId, { consistent: true });
  if (!stored) return 'unknown_account';
  const { createdAt: _created, updatedAt: _updated, ...account } = stored;
  const contacts = change(account.contacts);
  if (contacts.length > MAX_CONTACTS) return 'full';
  const same =
    contacts.length === account.contacts.length &&
    contacts.every((c) => JSON.stringify(c) === JSON.stringify(account.contacts.find((o) => o.id === c.id)));
  if (same) return 'same';
  await upsertAccount(db, accountSchema.parse({ ...account, contacts }), now);
  return 'written';
}

/** The held records of these objects of one type (consistent reads); objects never held are left out. */
export async function readHeld(
  db: Db,
  objectType: HeldObject['objectType'],
  objectIds: readonly string[],
): Promise<HeldObject[]> {
  const items = await batchGet(
    db,
    [...new Set(objectIds)].map((id) => keys.hubspotHeld(objectType, id)),
  );
  return items.map((item) => {
    const {
      version: _version,
      placedIn: _placed,
      ...held
    } = parseItem(storedSchema, item, `HubSpot held ${String(item.pk)}`);
    return held;
  });
}

/**
 * Brings a held contact's account to its held placement again, as a replay of its last held property does (the
 * record unchanged): for a contact whose account has just been made.
 */
export async function placeHeldContact(
  db: Db,
  contactId: string,
  now: Date,
): Promise<HeldEventOutcome | undefined> {
  const [held] = await readHeld(db, 'contact', [contactId]);
  const last = held?.fields.account;
  if (!held || !last) return undefined;
  return applyHeldEvent(
    db,
    { objectType: 'contact', objectId: contactId, kind: 'property', field: 'account', ...last },
    now,
  );
}
