import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Account } from '#core/accounts';
import {
  type HealthChange,
  type HealthRecord,
  healthChangeSchema,
  healthRecordSchema,
} from '#core/health/record';
import { toAccount } from './account-store.ts';
import { batchGet } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { keys } from './keys.ts';
import { parseItem, writtenItem } from './parse-item.ts';
import { healthSummary, summaryUpdate } from './portfolio-store.ts';
import { getItemRequest } from './read-requests.ts';

/**
 * An account's current health (one item) and its history (one item per change). A change is written in one
 * transaction with the current health and the portfolio summary, conditional on the revision the writer read: two
 * recomputes racing on one account cannot both win, so every history entry's diff is against the health it
 * replaced, and history, current health and portfolio summary never disagree.
 */

const firstWrite = 'attribute_not_exists(pk)';
const unchangedSinceRead = 'revision = :read';
const newEntry = 'attribute_not_exists(pk)';

export async function readHealth(db: Db, accountId: string): Promise<HealthRecord | undefined> {
  const item = await getItemRequest(db, keys.health(accountId), true);
  return item ? parseItem(healthRecordSchema, item, `health of ${accountId}`) : undefined;
}

/** An account's profile and its current health as a recompute reads them: either absent when not stored. */
export interface AccountAndHealth {
  account?: Account;
  health?: HealthRecord;
}

/**
 * An account's profile and its current health, in one consistent BatchGetItem (both are in the account's
 * partition): the first read of a recompute. `account` is absent when there is no such account, `health` when it
 * was never scored.
 */
export async function readAccountAndHealth(db: Db, accountId: string): Promise<AccountAndHealth> {
  const [read] = await readAccountsAndHealth(db, [accountId]);
  return read ? read() : {};
}

/**
 * The profiles and current health of many accounts, two keys per account in consistent BatchGetItem requests of
 * 100 keys (a pass reads 50 accounts' in one request rather than one request each), in the order asked. Each
 * account's items are parsed when its entry is called, so a broken item fails that account alone.
 */
export async function readAccountsAndHealth(
  db: Db,
  accountIds: readonly string[],
): Promise<Array<() => AccountAndHealth>> {
  const items = await batchGet(
    db,
    [...new Set(accountIds)].flatMap((id) => [keys.account(id), keys.health(id)]),
  );
  const found = new Map(items.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item]));
  const itemAt = (key: { pk: string; sk: string }) => found.get(`${key.pk}\u0000${key.sk}`);
  return accountIds.map((accountId) => () => {
    const profile = itemAt(keys.account(accountId));
    const health = itemAt(keys.health(accountId));
    return {
      ...(profile ? { account: toAccount(profile) } : {}),
      ...(health ? { health: parseItem(healthRecordSchema, health, `health of ${accountId}`) } : {}),
    };
  });
}

/**
 * The health of many accounts in BatchGetItem requests of 100 keys (consistent, like readHealth), by account id;
 * an account never scored is absent.
 */
export async function readHealths(db: Db, accountIds: readonly string[]): Promise<Map<string, HealthRecord>> {
  const items = await batchGet(
    db,
    [...new Set(accountIds)].map((id) => keys.health(id)),
  );
  const records = items.map((item) => parseItem(healthRecordSchema, item, 'health record'));
  return new Map(records.map((record) => [record.accountId, record]));
}

const cancellation = z.object({
  name: z.literal('TransactionCanceledException'),
  CancellationReasons: z.array(z.object({ Code: z.string().optional() })).optional(),
});

/** Another writer changed the health first: the transaction's condition failed, or it collided with theirs. */
function isLostRace(error: unknown): boolean {
  const parsed = cancellation.safeParse(error);
  return (
    parsed.success &&
    (parsed.data.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
    )
  );
}

export type HealthWrite = 'written' | 'lost-race';

/**
 * Stores a new current health and its history entry, if the current health is still at `readRevision` (undefined:
 * there was none). Returns 'lost-race' when another writer got there first; the caller re-reads and recomputes.
 * The record and the change are frozen by the write (see writtenItem): they are what the table holds.
 */
export async function writeHealth(
  db: Db,
  record: HealthRecord,
  change: HealthChange,
  readRevision: number | undefined,
): Promise<HealthWrite> {
  const { accountId } = record;
  try {
    const out = await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: writtenItem(healthRecordSchema, record, { ...keys.health(accountId), kind: 'health' }),
              ConditionExpression: readRevision === undefined ? firstWrite : unchangedSinceRead,
              ...(readRevision === undefined ? {} : { ExpressionAttributeValues: { ':read': readRevision } }),
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: writtenItem(healthChangeSchema, change, {
                ...keys.healthChange(accountId, change.at, change.revision),
                kind: 'healthChange',
              }),
              ConditionExpression: newEntry,
            },
          },
          { Update: summaryUpdate(db, accountId, healthSummary(record)) },
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
    return 'written';
  } catch (error) {
    if (isLostRace(error)) return 'lost-race';
    throw error;
  }
}

/** The account's health changes, newest first; `limit` bounds how many are read. */
export async function readHealthHistory(
  db: Db,
  accountId: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<HealthChange[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.accountPartition(accountId),
          ':prefix': keys.healthChangePrefix,
        },
        ScanIndexForward: false,
        ...(Number.isFinite(limit) ? { Limit: limit - items.length } : {}),
        ExclusiveStartKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'read');
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length < limit);
  return items.map((item) => parseItem(healthChangeSchema, item, `health history of ${accountId}`));
}
