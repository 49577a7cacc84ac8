import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { baselinesSchema } from '#core/health/snapshot-schema';
import type { Baselines } from '#core/health/types';
import { type Db, recordCapacity } from './client.ts';
import { type Key, keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * Portfolio-wide health state: the per-segment baselines, and the model version the last whole-portfolio pass
 * finished under (how an incremental pass notices that the model changed and everything must be scored again).
 * Both are recomputed in full by one pass at a time, so a plain Put is enough: the last complete pass wins.
 */

async function getItem(db: Db, key: Key): Promise<Record<string, unknown> | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: key,
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item;
}

async function putItem(db: Db, item: Record<string, unknown>): Promise<void> {
  const out = await db.doc.send(
    new PutCommand({ TableName: db.tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
}

export async function readBaselines(db: Db): Promise<Baselines | undefined> {
  const item = await getItem(db, keys.baselines());
  return item ? parseItem(baselinesSchema, item, 'baselines') : undefined;
}

export async function writeBaselines(db: Db, baselines: Baselines): Promise<void> {
  await putItem(db, { ...keys.baselines(), kind: 'baselines', ...baselines });
}

const modelMarkerSchema = z.object({ modelVersion: z.string(), completedAt: z.string() });
export type ModelMarker = z.infer<typeof modelMarkerSchema>;

export async function readModelMarker(db: Db): Promise<ModelMarker | undefined> {
  const item = await getItem(db, keys.healthModel());
  return item ? parseItem(modelMarkerSchema, item, 'model marker') : undefined;
}

export async function writeModelMarker(db: Db, marker: ModelMarker): Promise<void> {
  await putItem(db, { ...keys.healthModel(), kind: 'healthModel', ...marker });
}
