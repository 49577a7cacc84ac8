import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { DigestSnapshot } from '#core/workflows/digest';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

const snapshotSchema = z.object({
  snapshot: z.object({
    at: z.string(),
    lines: z.array(z.object({ riskId: z.string(), tier: z.number() })),
  }),
});

/** What a region's digest listed in the latest week before `week` (to say what changed since). */
export async function previousDigest(
  db: Db,
  region: string,
  week: string,
): Promise<DigestSnapshot | undefined> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :week',
      ExpressionAttributeValues: {
        ':pk': keys.digestPartition(region),
        ':week': keys.digestWeek(region, week).sk,
      },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = out.Items?.[0];
  return item ? parseItem(snapshotSchema, item, `digest snapshot of ${region}`).snapshot : undefined;
}

/** Remembers what this week's digest listed; writing it again for the same week changes nothing that matters. */
export async function saveDigestSnapshot(db: Db, region: string, week: string, snapshot: DigestSnapshot) {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.digestWeek(region, week), kind: 'digest', region, week, snapshot },
    }),
  );
}
