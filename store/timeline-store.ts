import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

export const timelineEntrySchema = z.object({
  accountId: z.string(),
  at: z.string(),
  /**
   * Decisions and state changes (renewal_checkpoint, risk_check, risk_opened, risk_escalated, risk_held,
   * risk_evidence, risk_acknowledged, risk_closed, review_scheduled, renewal_closed, unsubscribed, ...) and what
   * went out (message_sent, notice_sent, in_app_posted, message_failed): a message kind is written only by the
   * step that delivered it, after the provider accepted it (or refused it).
   */
  action: z.string(),
  what: z.string(),
  why: z.string(),
  /** The deterministic id of what caused it (a timer, a signal, an API call): the entry is written once per cause. */
  cause: z.string(),
  execution: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const notRecordedBefore = 'attribute_not_exists(pk)';

/** Records an entry once per cause; returns false when that cause was already recorded (a retry or replay). */
export async function recordTimeline(db: Db, entry: TimelineEntry): Promise<boolean> {
  return whenConditionHolds(async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.timelineEvent(entry.accountId, entry.cause), kind: 'timeline', ...entry },
        ConditionExpression: notRecordedBefore,
      }),
    );
  });
}

export async function readTimeline(db: Db, accountId: string): Promise<TimelineEntry[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.timelinePrefix },
  });
  return items
    .map((item) => parseItem(timelineEntrySchema, item, 'timeline entry'))
    .sort((a, b) => (a.at === b.at ? a.cause.localeCompare(b.cause) : a.at.localeCompare(b.at)));
}
