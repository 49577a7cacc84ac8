import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * What it takes to make an account of a HubSpot company (usecases/hubspot-accounts.ts): which deals were held as
 * the company's (`HUBSPOT#company#<id> / DEAL#<dealId>`; a deal moved to another company leaves its item behind,
 * so the deal's held record has the last word), and the account made of it (`HUBSPOT#company#<id> / ACCOUNT`):
 * `creating` from before the account is written until its timers are, then `created`. A company whose account
 * exists without this item is an account of its own (the API, `churnguard sync hubspot`), never overwritten. A held
 * contact whose account did not exist yet is listed under that account (`HUBSPOT#account#<id> / CONTACT#<id>`),
 * so making the account places it.
 */

/** One id held under a partition (a company's deals, an account's waiting contacts), as `<kind>` with `field`. */
async function holdId(db: Db, key: { pk: string; sk: string }, kind: string, field: string, id: string) {
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...key, kind, [field]: id } }));
}

/** The ids held under `pk` whose sort keys begin with `prefix`, each item parsed. */
async function heldIds(db: Db, pk: string, prefix: string, field: string, what: string): Promise<string[]> {
  const schema = z.looseObject({ [field]: z.string() });
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    ConsistentRead: true,
  });
  return items.map((item) => String(parseItem(schema, item, `${what} ${pk}`)[field]));
}

export async function holdCompanyDeal(db: Db, companyId: string, dealId: string): Promise<void> {
  await holdId(db, keys.hubspotCompanyDeal(companyId, dealId), 'hubspotCompanyDeal', 'dealId', dealId);
}

export async function companyDealIds(db: Db, companyId: string): Promise<string[]> {
  const { pk } = keys.hubspotCompanyDeal(companyId, '');
  return heldIds(db, pk, keys.hubspotCompanyDealPrefix, 'dealId', 'HubSpot company deal');
}

/** A held contact whose account is not made yet, so that making it places the contact. */
export async function holdWaitingContact(db: Db, accountId: string, contactId: string): Promise<void> {
  await holdId(
    db,
    keys.hubspotWaitingContact(accountId, contactId),
    'hubspotWaitingContact',
    'contactId',
    contactId,
  );
}

export async function waitingContactIds(db: Db, accountId: string): Promise<string[]> {
  const { pk } = keys.hubspotWaitingContact(accountId, '');
  return heldIds(db, pk, keys.hubspotWaitingContactPrefix, 'contactId', 'HubSpot waiting contact');
}

const creationSchema = z.looseObject({
  accountId: z.string(),
  state: z.enum(['creating', 'created']),
  dealId: z.string(),
  at: z.string(),
});
export type AccountCreation = z.infer<typeof creationSchema>;

export async function readAccountCreation(db: Db, companyId: string): Promise<AccountCreation | undefined> {
  const key = keys.hubspotAccountCreation(companyId);
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
  return out.Item ? parseItem(creationSchema, out.Item, `HubSpot account creation ${key.pk}`) : undefined;
}

export async function writeAccountCreation(
  db: Db,
  companyId: string,
  creation: Omit<AccountCreation, 'at'>,
  now: Date,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.hubspotAccountCreation(companyId),
        kind: 'hubspotAccountCreation',
        ...creation,
        at: now.toISOString(),
      },
    }),
  );
}
