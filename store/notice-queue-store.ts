import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * Routine notices waiting for their recipient's daily mail (one mail per person per day instead of one per
 * notice). The notice's own row stays in its account's send ledger as `queued`; this index finds it by day.
 */
export const queuedNoticeSchema = z.object({
  day: z.string(),
  /** The recipient's mail for the region (core/effects/recipient-hash.ts). */
  recipientHash: z.string(),
  region: z.string(),
  recipient: z.object({ name: z.string(), email: z.string(), role: z.string() }),
  accountId: z.string(),
  key: z.string(),
  subject: z.string(),
  text: z.string(),
});
export type QueuedNotice = z.infer<typeof queuedNoticeSchema>;

/** Queues a notice for a day's mail; the key is deterministic, so a retry rewrites the same item. */
export async function queueNotice(db: Db, notice: QueuedNotice): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.noticeQueued(notice.day, notice.recipientHash, notice.accountId, notice.key),
        kind: 'queuedNotice',
        ...notice,
      },
    }),
  );
}

/** A day's queued notices, grouped by recipient (in key order: recipient, account, message). */
export async function queuedNotices(db: Db, day: string): Promise<Map<string, QueuedNotice[]>> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.noticeQueuePartition(day) },
    ConsistentRead: true,
  });
  const byRecipient = new Map<string, QueuedNotice[]>();
  for (const item of items) {
    const notice = parseItem(queuedNoticeSchema, item, 'queued notice');
    byRecipient.set(notice.recipientHash, [...(byRecipient.get(notice.recipientHash) ?? []), notice]);
  }
  return byRecipient;
}
