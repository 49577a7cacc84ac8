import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { ListPreference } from '#core/journeys/ses-events';
import { batchGet, queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/** Records a one-click unsubscribe; repeating it changes nothing but the time of the latest request. */
export async function unsubscribe(db: Db, accountId: string, contactId: string, at: string): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.unsubscribed(accountId, contactId), kind: 'unsubscribed', accountId, contactId, at },
    }),
  );
}

/** Contact ids of the account that unsubscribed. */
export async function unsubscribedContacts(db: Db, accountId: string): Promise<Set<string>> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.accountPartition(accountId),
      ':prefix': keys.unsubscribedPrefix,
    },
    ConsistentRead: true,
  });
  return new Set(items.map((item) => String(item.contactId)));
}

export type SuppressionReason = 'bounce' | 'complaint';

/** Puts an address on the suppression list (an SES bounce or complaint event via the configuration set). */
export async function suppress(db: Db, email: string, reason: SuppressionReason, at: string): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.suppressed(email), kind: 'suppressed', email: email.toLowerCase(), reason, at },
    }),
  );
}

/** Records that a contact left the customer (a sponsor_left naming them): they get nothing further. */
export async function markDeparted(db: Db, accountId: string, contactId: string, at: string): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.departed(accountId, contactId), kind: 'departed', accountId, contactId, at },
    }),
  );
}

/** Contact ids of the account that left it. */
export async function departedContacts(db: Db, accountId: string): Promise<Set<string>> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.departedPrefix },
    ConsistentRead: true,
  });
  return new Set(items.map((item) => String(item.contactId)));
}

const listPreferenceSchema = z.object({
  email: z.string(),
  unsubscribeAll: z.boolean(),
  optedOut: z.array(z.string()),
  at: z.string(),
});

/**
 * Records what an address chose in the SES contact list. Newer wins: a redelivered or late older event changes
 * nothing (false).
 */
export function recordListPreference(db: Db, preference: ListPreference): Promise<boolean> {
  const email = preference.email.toLowerCase();
  return whenConditionHolds(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.listPreference(email), kind: 'list-preference', ...preference, email },
        ConditionExpression: 'attribute_not_exists(pk) OR #at < :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': preference.at },
      }),
    ),
  );
}

/** What SES said of some addresses: which bounced or complained, and what those that refuse topics refuse. */
export interface AddressStandings {
  /** Lower-case addresses on the suppression list. */
  suppressed: Set<string>;
  /** The contact-list choices of the addresses that refuse anything, by lower-case address. */
  listPreferences: Map<string, ListPreference>;
}

/** Both records of these addresses (they share a partition), in one read. */
export async function addressStandings(db: Db, emails: readonly string[]): Promise<AddressStandings> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  const standings: AddressStandings = { suppressed: new Set(), listPreferences: new Map() };
  if (unique.length === 0) return standings;
  const items = await batchGet(
    db,
    unique.flatMap((email) => [keys.suppressed(email), keys.listPreference(email)]),
  );
  for (const item of items) {
    if (item.kind === 'suppressed') standings.suppressed.add(String(item.email));
    else {
      const preference = parseItem(listPreferenceSchema, item, 'contact-list preference');
      if (preference.unsubscribeAll || preference.optedOut.length > 0)
        standings.listPreferences.set(preference.email, preference);
    }
  }
  return standings;
}

/** Which of these addresses are suppressed (lower case). */
export async function suppressedAmong(db: Db, emails: readonly string[]): Promise<Set<string>> {
  return (await addressStandings(db, emails)).suppressed;
}

/** The SES contact-list choices of these addresses that refuse anything, by lower-case address. */
export async function listPreferencesAmong(
  db: Db,
  emails: readonly string[],
): Promise<Map<string, ListPreference>> {
  return (await addressStandings(db, emails)).listPreferences;
}
