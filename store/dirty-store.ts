import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGet, insertIfAbsent, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { GroupCommit } from './group-commit.ts';
import { keys, SHARDS } from './keys.ts';
import { mapLimit } from './parallel.ts';
import { parseItem } from './parse-item.ts';
import { deleteStatement, insertStatement, updateStatement, type WriteStatement } from './partiql.ts';
import { onePer } from './per-owner.ts';
import { executeStatements } from './statement-batch.ts';

/**
 * Dirty markers: which accounts need scoring again because their signals or profile changed.
 *
 * Writers add 1 to the marker's `marks` after their own writes are stored, and every such mark voids a claim. A
 * recompute first claims the marker (sets `claim` to a token of its own, learning `marks`), then reads the
 * account's data, and finally deletes the marker only if it still holds that claim and that count. A write that
 * lands while the recompute runs marks again, the delete is refused, and the account stays dirty for the next
 * pass: no change is ever lost, at worst an account is scored once more than needed.
 *
 * Ingest may skip its mark (markDirtyUnlessPending): after its writes are stored, a consistent read that finds the
 * marker present and unclaimed means any recompute that will delete it claims it later, so reads those writes.
 * (A recompute that had claimed it earlier lost its claim to a mark in between, so its delete is refused.)
 */

export interface DirtyMark {
  accountId: string;
  marks: number;
  markedAt: string;
  /** Set by a recompute that is reading the account (claimDirty); removed by the next mark. */
  claim?: string;
}

/** A recompute's hold on a marker: deleted by clearDirty only if neither changed since. */
export interface DirtyClaim {
  accountId: string;
  marks: number;
  claim: string;
}

const dirtyMarkSchema = z.object({
  accountId: z.string(),
  marks: z.number().int(),
  markedAt: z.string(),
  claim: z.string().optional(),
});
const stillAsClaimed = 'claim = :claim AND marks = :marks';

/** One marker write: add 1 to `marks` (creating the marker if absent) and void any claim; 1 WU. */
async function bumpMarker(db: Db, accountId: string, markedAt: string): Promise<void> {
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.dirty(accountId),
      UpdateExpression: 'SET kind = :kind, accountId = :id, markedAt = :now ADD marks :one REMOVE claim',
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
const markerWrites = onePer(
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

/**
 * Claims an account's marker for a recompute about to read the account: a token of its own in `claim`, and the
 * marks it holds. Undefined when there is no marker (another recompute cleared it).
 */
export async function claimDirty(db: Db, accountId: string, now: Date): Promise<DirtyClaim | undefined> {
  const claim = `${now.toISOString()} ${randomUUID()}`;
  let claimed: DirtyClaim | undefined;
  await whenConditionHolds(async () => {
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.dirty(accountId),
        UpdateExpression: 'SET claim = :claim',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':claim': claim },
        ReturnValues: 'ALL_NEW',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
    const mark = parseItem(dirtyMarkSchema, out.Attributes, `dirty marker of ${accountId}`);
    claimed = { accountId, marks: mark.marks, claim };
  });
  return claimed;
}

/**
 * Claims many accounts' markers as a pass listed them (listDirty): 25 to a request, each a PartiQL UPDATE that sets
 * a token of its own in `claim` only while the marker still holds the marks listed, so the claim knows its marks
 * without reading them back. A marker gone or marked again since it was listed is claimed alone (claimDirty), which
 * learns its marks, or finds none. Returns the claims by account; an account whose marker is gone has none.
 */
export async function claimDirtyMany(
  db: Db,
  marks: readonly DirtyMark[],
  now: Date,
): Promise<Map<string, DirtyClaim>> {
  const claims = marks.map(({ accountId, marks: listed }) => ({
    accountId,
    marks: listed,
    claim: `${now.toISOString()} ${randomUUID()}`,
  }));
  const outcomes = await executeStatements(
    db,
    claims.map(({ accountId, marks: listed, claim }) =>
      updateStatement(db.tableName, keys.dirty(accountId), {
        set: { claim },
        condition: { text: '"marks" = ?', parameters: [listed] },
      }),
    ),
  );
  const claimed = new Map<string, DirtyClaim>();
  const answered = claims.map((claim, i) => ({ claim, written: outcomes[i] === 'written' }));
  await mapLimit(answered, 8, async ({ claim, written }) => {
    const settled = written ? claim : await claimDirty(db, claim.accountId, now);
    if (settled) claimed.set(claim.accountId, settled);
  });
  return claimed;
}

/** Deletes the marker if nothing marked the account since it was claimed; false when something did. */
export async function clearDirty(db: Db, claimed: DirtyClaim): Promise<boolean> {
  return whenConditionHolds(async () => {
    const out = await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.dirty(claimed.accountId),
        ConditionExpression: stillAsClaimed,
        ExpressionAttributeValues: { ':claim': claimed.claim, ':marks': claimed.marks },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}

/**
 * clearDirty for many claims, 25 to a request (a PartiQL DELETE each, on the same condition): per claim, whether
 * its marker is gone (false: something marked the account since it was claimed, and it stays dirty; true also for a
 * marker that was gone already, which a DELETE answers as done).
 */
export async function clearDirtyMany(db: Db, claims: readonly DirtyClaim[]): Promise<boolean[]> {
  const outcomes = await executeStatements(
    db,
    claims.map(({ accountId, claim, marks }) =>
      deleteStatement(db.tableName, keys.dirty(accountId), {
        text: '"claim" = ? AND "marks" = ?',
        parameters: [claim, marks],
      }),
    ),
  );
  return outcomes.map((outcome) => outcome === 'written');
}

const MAX_MARK_ROUNDS = 20;

/** The write that marks an account given its marker as just read: create it, or mark it again and void its claim. */
function markStatement(
  db: Db,
  accountId: string,
  read: DirtyMark | undefined,
  markedAt: string,
): WriteStatement {
  if (read === undefined)
    return insertStatement(db.tableName, {
      ...keys.dirty(accountId),
      kind: 'dirty',
      accountId,
      markedAt,
      marks: 1,
    });
  return updateStatement(db.tableName, keys.dirty(accountId), {
    set: { marks: read.marks + 1, markedAt },
    remove: ['claim'],
    condition: { text: '"marks" = ?', parameters: [read.marks] },
  });
}

/**
 * Marks accounts dirty after an ingest batch's writes are all stored, skipping each whose marker a consistent
 * read finds present and unclaimed (see above: a recompute has yet to claim it, so will read those writes). The
 * others are created or marked again 25 to a request, each conditional on the marker as read; one that changed
 * meanwhile is read again and decided again.
 */
export async function markDirtyUnlessPending(db: Db, accountIds: Iterable<string>, now: Date): Promise<void> {
  const markedAt = now.toISOString();
  let pending = [...new Set(accountIds)];
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_MARK_ROUNDS)
      throw new Error(
        `dirty markers of ${pending.length} accounts kept changing under ${MAX_MARK_ROUNDS} rounds`,
      );
    const read = new Map<string, DirtyMark>();
    for (const item of await batchGet(
      db,
      pending.map((accountId) => keys.dirty(accountId)),
    ))
      read.set(String(item.accountId), parseItem(dirtyMarkSchema, item, `dirty marker ${String(item.pk)}`));
    const toMark = pending.filter((accountId) => {
      const mark = read.get(accountId);
      return mark === undefined || mark.claim !== undefined;
    });
    const outcomes = await executeStatements(
      db,
      toMark.map((accountId) => markStatement(db, accountId, read.get(accountId), markedAt)),
    );
    pending = toMark.filter((_, i) => outcomes[i] !== 'written');
  }
}
