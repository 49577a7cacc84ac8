import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, recordCapacity } from './client.ts';
import { ThrottledError } from './errors.ts';
import type { Key } from './keys.ts';
import { backoffMs, chunk, sleep } from './parallel.ts';
import { insertStatement } from './partiql.ts';
import { batchGetRequest, type QueryInput, queryPageRequest } from './read-requests.ts';
import { executeStatements } from './statement-batch.ts';

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
      const out = await batchGetRequest(db, { keys: pending, consistent, projection });
      found.push(...out.items);
      pending = out.unprocessed;
    }
  }
  return found;
}

/**
 * Stores each item unless its key is taken, 25 to a request (PartiQL `INSERT`, which refuses an existing key with
 * `DuplicateItem`, at the cost of a PutItem; IAM calls it dynamodb:PartiQLInsert). Returns, per item, whether
 * this call stored it: the write's own answer (signal-store.ts counts a signal once by it, however many clients
 * send it at once).
 */
export async function insertIfAbsent(db: Db, items: readonly Record<string, unknown>[]): Promise<boolean[]> {
  const outcomes = await executeStatements(
    db,
    items.map((item) => insertStatement(db.tableName, item)),
  );
  return outcomes.map((outcome) => outcome === 'written');
}

/** A Query followed to its last page. */
export async function queryAll(db: Db, input: QueryInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await queryPageRequest(db, input, startKey);
    items.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return items;
}
