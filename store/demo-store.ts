import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/** What `npm run demo` loaded into a table, and when: a second run finds it and loads nothing. */
const demoMarkerSchema = z.object({
  loadedAt: z.string(),
  accounts: z.number().int().nonnegative(),
  seed: z.number().int(),
  start: z.string(),
  days: z.number().int().positive(),
});
export type DemoMarker = z.infer<typeof demoMarkerSchema>;

export async function readDemoMarker(db: Db): Promise<DemoMarker | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.demoMarker, ConsistentRead: true }),
  );
  return out.Item ? parseItem(demoMarkerSchema, out.Item, 'demo marker') : undefined;
}

export async function writeDemoMarker(db: Db, marker: DemoMarker): Promise<void> {
  await db.doc.send(
    new PutCommand({ TableName: db.tableName, Item: { ...keys.demoMarker, kind: 'setting', ...marker } }),
  );
}
