import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchPut } from './batch.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { chunk, mapLimit } from './parallel.ts';

type Item = Record<string, unknown>;

/** BatchWriteItem requests in flight while copying. */
const WRITES_IN_FLIGHT = 8;
const PER_REQUEST = 25;

/** API keys stay where they were made: a copy never lets one table's keys into another. */
const copied = (item: Item) => !String(item.pk).startsWith(keys.apiKeyPartitionPrefix);

/** What a dispatcher acts on (due timers and its cursor): copied last, once everything they point at is there. */
const dispatched = (item: Item) =>
  String(item.pk).startsWith(keys.timersPartitionPrefix) ||
  (item.pk === keys.dispatcherCursor.pk && item.sk === keys.dispatcherCursor.sk);

/** Every item of a table, page by page (a Scan: for whole-table copies, never for a request path). */
async function scanAll(db: Db): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({ TableName: db.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Copies every item of `from` into `to` as it is (BatchWriteItem, a few requests in flight), except API keys;
 * timers and the dispatcher's cursor go last, so a dispatcher running on `to` meanwhile only finds timers whose
 * accounts are whole. `onProgress` hears how many items are written of how many.
 */
export async function copyTable(
  from: Db,
  to: Db,
  onProgress?: (written: number, total: number) => void,
): Promise<{ items: number }> {
  const items = (await scanAll(from)).filter(copied);
  const total = items.length;
  let written = 0;
  for (const phase of [items.filter((i) => !dispatched(i)), items.filter(dispatched)]) {
    await mapLimit(chunk(phase, PER_REQUEST), WRITES_IN_FLIGHT, async (part) => {
      await batchPut(to, part);
      written += part.length;
      onProgress?.(written, total);
    });
  }
  return { items: total };
}
