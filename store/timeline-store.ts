import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';

export interface TimelineEntry {
  accountId: string;
  at: string;
  /** renewal_checkpoint, risk_opened, risk_escalated, risk_acknowledged, risk_closed, review_scheduled, ... */
  action: string;
  what: string;
  why: string;
  /** The deterministic id of what caused it (a timer, a signal, an API call): the entry is written once per cause. */
  cause: string;
  execution?: string;
  details?: Record<string, unknown>;
}

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
    .map(({ pk: _pk, sk: _sk, kind: _kind, ...entry }) => entry as unknown as TimelineEntry)
    .sort((a, b) => (a.at === b.at ? a.cause.localeCompare(b.cause) : a.at.localeCompare(b.at)));
}
