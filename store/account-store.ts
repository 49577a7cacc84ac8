import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Account, AccountInput } from '#core/accounts';
import { batchGet } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { markDirty } from './dirty-store.ts';
import { keys } from './keys.ts';
import { syncContactEmails } from './lookup-store.ts';
import { mapLimit } from './parallel.ts';
import { registerAccount } from './portfolio-store.ts';

export type UpsertOutcome = 'created' | 'updated';

const PROFILE_FIELDS = [
  'id',
  'name',
  'region',
  'arr',
  'currency',
  'segment',
  'tier',
  'goLiveDate',
  'csm',
  'manager',
  'contacts',
  'contract',
] as const;

/**
 * Upserts one account: every profile field is replaced (an omitted optional field is removed), createdAt is kept.
 * The account is registered in the portfolio first (so no pass can miss a stored profile) and marked dirty after
 * (so the next recompute reads the new profile: its segment or tier may have changed).
 */
export async function upsertAccount(db: Db, account: AccountInput, now: Date): Promise<UpsertOutcome> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':kind': 'account', ':now': now.toISOString() };
  const sets = ['#kind = :kind', 'createdAt = if_not_exists(createdAt, :now)', 'updatedAt = :now'];
  const removes: string[] = [];
  names['#kind'] = 'kind';
  await registerAccount(db, account.id);
  for (const field of PROFILE_FIELDS) {
    names[`#${field}`] = field;
    const value = account[field];
    if (value === undefined) removes.push(`#${field}`);
    else {
      sets.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.account(account.id),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'UPDATED_OLD',
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
  // Webhooks find an account by a contact's email (surveys, Zendesk requesters): keep that lookup in step.
  await syncContactEmails(db, account.id, account.contacts, previousContacts(out.Attributes));
  await markDirty(db, [account.id], now);
  return out.Attributes?.createdAt ? 'updated' : 'created';
}

const storedContacts = z.array(z.looseObject({ email: z.string() }));

/** The contacts an upsert replaced (UPDATED_OLD returns them), to drop emails the account no longer lists. */
function previousContacts(attributes: Record<string, unknown> | undefined): { email: string }[] {
  const parsed = storedContacts.safeParse(attributes?.contacts);
  return parsed.success ? parsed.data : [];
}

export async function upsertAccounts(db: Db, accounts: readonly AccountInput[], now: Date) {
  return mapLimit(accounts, 8, (account) => upsertAccount(db, account, now));
}

function toAccount(item: Record<string, unknown>): Account {
  const { pk: _pk, sk: _sk, kind: _kind, ...account } = item;
  return account as unknown as Account;
}

export async function getAccount(
  db: Db,
  accountId: string,
  options: { consistent?: boolean } = {},
): Promise<Account | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.account(accountId),
      ConsistentRead: options.consistent ?? false,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item ? toAccount(out.Item) : undefined;
}

/** Which of these account ids exist (one projected, consistent BatchGet per 100 ids). */
export async function existingAccountIds(db: Db, accountIds: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(accountIds)];
  const items = await batchGet(
    db,
    unique.map((id) => keys.account(id)),
    { projection: 'id' },
  );
  return new Set(items.map((item) => String(item.id)));
}
