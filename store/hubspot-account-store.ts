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

export async function holdCompanyDeal(db: Db, companyId: string, dealId: string): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.hubspotCompanyDeal(companyId, dealId), kind: 'hubspotCompanyDeal', dealId },
    }),
  );
}

const companyDealItem = z.looseObject({ dealId: z.string() });

export async function companyDealIds(db: Db, companyId: string): Promise<string[]> {
  const { pk } = keys.hubspotCompanyDeal(companyId, '');
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :deal)',
    ExpressionAttributeValues: { ':pk': pk, ':deal': keys.hubspotCompanyDealPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(companyDealItem, item, `HubSpot company deal ${pk}`).dealId);
}

/** A held contact whose account is not made yet, so that making it places the contact. */
export async function holdWaitingContact(db: Db, accountId: string, contactId: string): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.hubspotWaitingContact(accountId, contactId), kind: 'hubspotWaitingContact', contactId },
    }),
  );
}

const waitingContactItem = z.looseObject({ contactId: z.string() });

export async function waitingContactIds(db: Db, accountId: string): Promise<string[]> {
  const { pk } = keys.hubspotWaitingContact(accountId, '');
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :contact)',
    ExpressionAttributeValues: { ':pk': pk, ':contact': keys.hubspotWaitingContactPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(waitingContactItem, item, `HubSpot waiting contact ${pk}`).contactId);
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
