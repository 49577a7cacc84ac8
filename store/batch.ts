import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Db, recordCapacity } from './client.ts';
import { ThrottledError } from './errors.ts';
import type { Key } from './keys.ts';
import { itemSize, type Item as StoredItem } from './memory/values.ts';
import { backoffMs, chunk, mapLimit, sleep } from './parallel.ts';

type Item = Record<string, unknown>;
const MAX_UNPROCESSED_ROUNDS = 12;

/** BatchWriteItem in chunks of 25, retrying unprocessed items (throttling) with jittered backoff. */
export async function batchPut(db: Db, items: readonly Item[]): Promise<void> {
  for (const part of chunk(items, 25)) {
    let requests = part.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS)
        throw new ThrottledError(`BatchWriteItem left ${requests.length} items unprocessed`);
      if (round > 0) await sleep(backoffMs(round));
      const out = await db.doc.send(
        new BatchWriteCommand({
          RequestItems: { [db.tableName]: requests },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      recordCapacity(db, out.ConsumedCapacity, 'write');
      requests = (out.UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
    }
  }
}

export interface BatchGetOptions {
  projection?: string;
  /** Strongly consistent (the default), or eventually consistent at half the read units. */
  consistent?: boolean;
}

/** BatchGetItem in chunks of 100 (strongly consistent unless asked); returns found items in any order. */
export async function batchGet(
  db: Db,
  keyList: readonly Key[],
  { projection, consistent = true }: BatchGetOptions = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (const part of chunk(keyList, 100)) {
    let pending: Key[] = part;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS)
        throw new ThrottledError(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await sleep(backoffMs(round));
      const out = await db.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [db.tableName]: {
              Keys: pending,
              ConsistentRead: consistent,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      recordCapacity(db, out.ConsumedCapacity, 'read');
      found.push(...(out.Responses?.[db.tableName] ?? []));
      pending = (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

/** Statement answers that mean "try this statement again" (throttling, a lost transaction race, a hiccup). */
const RETRYABLE_STATEMENT = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'TransactionConflict',
  'InternalServerError',
]);
const MAX_INSERT_ROUNDS = 12;
const INSERTS_IN_FLIGHT = 8;

/** Write units DynamoDB bills for writing this item: its size in 1 KB units, at least one. */
const writeUnitsOf = (item: Record<string, unknown>) =>
  Math.max(1, Math.ceil(itemSize(item as StoredItem) / 1024));

/**
 * A conditional write DynamoDB refused is billed all the same, but no capacity comes back with the error: the
 * meter counts it by the item's size (for an update, a lower bound: DynamoDB bills the larger of old and new).
 */
export function meterRefused(db: Db, item: Record<string, unknown>): void {
  if (db.meter) db.meter.writeUnits += writeUnitsOf(item);
}

/**
 * BatchExecuteStatement reports its capacity in AWS (refused statements included); DynamoDB Local reports none,
 * so there the meter counts every statement by the same rule.
 */
function meterStatements(
  db: Db,
  reported: Parameters<typeof recordCapacity>[1],
  attempted: readonly Record<string, unknown>[],
): void {
  if (!db.meter) return;
  if (reported !== undefined) {
    recordCapacity(db, reported, 'write');
    return;
  }
  for (const item of attempted) db.meter.writeUnits += writeUnitsOf(item);
}

/**
 * Stores each item unless its key is taken, 25 to a request (PartiQL `INSERT`, which refuses an existing key with
 * `DuplicateItem`, at the cost of a PutItem; IAM calls it dynamodb:PartiQLInsert). Returns, per item, whether
 * this call stored it: the write's own answer (signal-store.ts counts a signal once by it, however many clients
 * send it at once). Statements the table throttled are sent again with back-off.
 */
export async function insertIfAbsent(db: Db, items: readonly Record<string, unknown>[]): Promise<boolean[]> {
  const stored = new Array<boolean>(items.length).fill(false);
  const indexes = items.map((_, i) => i);
  await mapLimit(chunk(indexes, 25), INSERTS_IN_FLIGHT, async (part) => {
    let pending = part;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_INSERT_ROUNDS)
        throw new ThrottledError(`INSERT left ${pending.length} items unwritten`);
      if (round > 0) await sleep(backoffMs(round));
      const out = await db.doc.send(
        new BatchExecuteStatementCommand({
          Statements: pending.map((i) => insertStatement(db.tableName, items[i] as Record<string, unknown>)),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const retry: number[] = [];
      const answered: Record<string, unknown>[] = [];
      pending.forEach((i, n) => {
        const error = out.Responses?.[n]?.Error;
        if (!error || error.Code === 'DuplicateItem') answered.push(items[i] as Record<string, unknown>);
        if (!error) stored[i] = true;
        else if (error.Code === 'DuplicateItem') stored[i] = false;
        else if (RETRYABLE_STATEMENT.has(String(error.Code))) retry.push(i);
        else throw new Error(`INSERT failed: ${error.Code}: ${error.Message}`);
      });
      meterStatements(db, out.ConsumedCapacity, answered);
      pending = retry;
    }
  });
  return stored;
}

/** `INSERT INTO "<table>" VALUE {'pk': ?, ...}`: attribute names are the store's own, values are parameters. */
function insertStatement(tableName: string, item: Record<string, unknown>) {
  const names = Object.keys(item);
  return {
    Statement: `INSERT INTO "${tableName}" VALUE {${names.map((name) => `'${name}': ?`).join(', ')}}`,
    Parameters: names.map((name) => item[name]),
  };
}

/** A Query followed to its last page. */
export async function queryAll(db: Db, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        ...input,
        TableName: db.tableName,
        ExclusiveStartKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'read');
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
