import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { insertIfAbsent, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { GroupCommit, groupCommitPer } from './group-commit.ts';
import { keys, SHARDS } from './keys.ts';
import { mapLimit } from './parallel.ts';
import { parseItem } from './parse-item.ts';

/**
 * Dirty markers: which accounts need scoring again because their signals or profile changed.
 *
 * Writers (ingest, account upserts) add 1 to the marker's `marks` after their own write is stored. A recompute
 * reads the marker first, then the account's data, and finally deletes the marker only if `marks` is still the
 * count it read. A write that lands while the recompute runs bumps `marks`, the delete is refused, and the account
 * stays dirty for the next pass: no change is ever lost, at worst an account is scored once more than needed.
 */

export interface DirtyMark {
  accountId: string;
  marks: number;
  markedAt: string;
}

const dirtyMarkSchema = z.object({ accountId: z.string(), marks: z.number().int(), markedAt: z.string() });
const stillAsRead = 'marks = :marks';

/** One marker write: add 1 to `marks` (creating the marker if absent); 1 WU. */
async function bumpMarker(db: Db, accountId: string, markedAt: string): Promise<void> {
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.dirty(accountId),
      UpdateExpression: 'SET kind = :kind, accountId = :id, markedAt = :now ADD marks :one',
      ExpressionAttributeValues: { ':kind': 'dirty', ':id': accountId, ':now': markedAt, ':one': 1 },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
}

/**
 * Marker writes of one Db, grouped per account (store/group-commit.ts): callers that mark the same account while
 * a write of its marker is in flight share the next write, which starts after each of them joined, so it comes
 * after their data was stored as the protocol above needs. A recompute that read `marks` before any of them sees
 * it changed.
 */
const markerWrites = groupCommitPer(
  (db: Db) =>
    new GroupCommit<string, undefined>(async (accountId, times) => {
      await bumpMarker(
        db,
        accountId,
        times.reduce((latest, at) => (at > latest ? at : latest)),
      );
      return undefined;
    }),
);

/** Marks accounts dirty: one small UpdateItem (1 WU) per distinct account, shared by concurrent callers. */
export async function markDirty(db: Db, accountIds: Iterable<string>, now: Date): Promise<void> {
  const markedAt = now.toISOString();
  const commit = markerWrites(db);
  await mapLimit([...new Set(accountIds)], 16, (accountId) => commit.submit(accountId, markedAt));
}

/**
 * markDirty for many accounts of which most have no marker yet (a bulk account upsert): the missing markers are
 * created 25 to a request (PartiQL INSERT, refused where a marker exists) with `marks` 1, as ADD would create
 * them; only the accounts that already had one get markDirty's UpdateItem.
 */
export async function markDirtyInBulk(db: Db, accountIds: Iterable<string>, now: Date): Promise<void> {
  const ids = [...new Set(accountIds)];
  const created = await insertIfAbsent(
    db,
    ids.map((accountId) => ({
      ...keys.dirty(accountId),
      kind: 'dirty',
      accountId,
      markedAt: now.toISOString(),
      marks: 1,
    })),
  );
  await markDirty(
    db,
    ids.filter((_, i) => !created[i]),
    now,
  );
}

export async function readDirtyMark(db: Db, accountId: string): Promise<DirtyMark | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.dirty(accountId),
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item ? parseItem(dirtyMarkSchema, out.Item, `dirty marker of ${accountId}`) : undefined;
}

/** Every dirty account: one consistent Query per shard, reading only the markers. */
export async function listDirty(db: Db): Promise<DirtyMark[]> {
  const shards = await mapLimit(SHARDS, SHARDS.length, (shard) =>
    queryAll(db, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.dirtyPartition(shard) },
      ConsistentRead: true,
    }),
  );
  return shards
    .flat()
    .map((item) => parseItem(dirtyMarkSchema, item, 'dirty marker'))
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/** Deletes the marker if nothing marked the account since `mark` was read; false when something did. */
export async function clearDirty(db: Db, mark: DirtyMark): Promise<boolean> {
  return whenConditionHolds(async () => {
    const out = await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.dirty(mark.accountId),
        ConditionExpression: stillAsRead,
        ExpressionAttributeValues: { ':marks': mark.marks },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}
