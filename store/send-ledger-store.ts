import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type MessageKey, messageKeyId, type Verdict } from '#core/journeys/messages';
import type { PastSend } from '#core/journeys/restraint';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * The send ledger: one item per (play, milestone, recipient, occurrence), reserved with a conditional write
 * BEFORE SES (or the in-app store) is called, so retries, replays and concurrent runs never send twice.
 *
 * The one crash window: SES accepted the message and the process died before `markSent`. The item then stays
 * `reserved` and every later attempt finds the reservation and does not send: it fails toward never sending
 * twice (at worst a reserved-but-unsent message is lost, never duplicated). `reserved` items older than a few
 * minutes are reported as "delivery unknown" by `listSends`.
 */
export type SendStatus = 'reserved' | 'sent' | 'failed';

export interface SendRecord extends MessageKey {
  accountId: string;
  channel: string;
  priority: number;
  status: SendStatus;
  reservedAt: string;
  sentAt?: string;
  messageId?: string;
  error?: string;
  execution?: string;
}

const sendItem = z.object({
  accountId: z.string(),
  playId: z.string(),
  milestone: z.string(),
  recipientId: z.string(),
  occurrence: z.string(),
  channel: z.string(),
  priority: z.number(),
  status: z.enum(['reserved', 'sent', 'failed']),
  reservedAt: z.string(),
  sentAt: z.string().optional(),
  messageId: z.string().optional(),
  error: z.string().optional(),
  execution: z.string().optional(),
});

const notReservedBefore = 'attribute_not_exists(pk)';
const stillReserved = '#status = :reserved';

export class AlreadyReservedError extends Error {
  constructor(readonly key: MessageKey) {
    super(`message ${messageKeyId(key)} is already in the send ledger`);
    this.name = 'AlreadyReservedError';
  }
}

/** Reserves a send; false when it is already in the ledger (sent, reserved by another run, or failed). */
export async function reserveSend(
  db: Db,
  accountId: string,
  key: MessageKey,
  details: { channel: string; priority: number; at: string; execution?: string },
): Promise<boolean> {
  const record: SendRecord = {
    ...key,
    accountId,
    channel: details.channel,
    priority: details.priority,
    status: 'reserved',
    reservedAt: details.at,
    execution: details.execution,
  };
  return whenConditionHolds(async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.sendLedger(accountId, messageKeyId(key)), kind: 'send', ...record },
        ConditionExpression: notReservedBefore,
      }),
    );
  });
}

async function settle(
  db: Db,
  accountId: string,
  key: MessageKey,
  set: Record<string, string>,
): Promise<boolean> {
  const names = Object.keys(set);
  return whenConditionHolds(async () => {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.sendLedger(accountId, messageKeyId(key)),
        UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
        ConditionExpression: stillReserved,
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((n) => [`:${n}`, set[n]])),
          ':reserved': 'reserved',
        },
      }),
    );
  });
}

/** Records the provider's message id; false when the send was not (or no longer) reserved. */
export function markSent(db: Db, accountId: string, key: MessageKey, messageId: string, at: string) {
  return settle(db, accountId, key, { status: 'sent', messageId, sentAt: at });
}

/** Records that the provider refused the message; the reservation stays, so it is never retried. */
export function markFailed(db: Db, accountId: string, key: MessageKey, error: string, at: string) {
  return settle(db, accountId, key, { status: 'failed', error: error.slice(0, 1000), sentAt: at });
}

export async function listSends(db: Db, accountId: string): Promise<SendRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.sendLedgerPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(sendItem, item, 'send ledger entry'));
}

/** The account's sends for the contact-pressure budget: reserved or sent (a failed send reached nobody). */
export async function recentSends(db: Db, accountId: string): Promise<PastSend[]> {
  return toPastSends(await listSends(db, accountId));
}

export function toPastSends(sends: readonly SendRecord[]): PastSend[] {
  return sends
    .filter((s) => s.status !== 'failed' && s.channel !== 'csm_notice')
    .map((s) => ({ recipientId: s.recipientId, at: s.sentAt ?? s.reservedAt, priority: s.priority }));
}

/** A message not sent, and why: written with a deterministic key, so a retry rewrites the same row. */
export interface NotSentRecord extends MessageKey {
  accountId: string;
  at: string;
  channel: string;
  outcome: Exclude<Verdict['outcome'], 'send'> | 'not_selected';
  reason: string;
  detail: string;
  deferUntil?: string;
}

const notSentItem = z.object({
  accountId: z.string(),
  playId: z.string(),
  milestone: z.string(),
  recipientId: z.string(),
  occurrence: z.string(),
  at: z.string(),
  channel: z.string(),
  outcome: z.enum(['dropped', 'deferred', 'held_out', 'would_have_sent', 'not_selected']),
  reason: z.string(),
  detail: z.string(),
  deferUntil: z.string().optional(),
});

export async function recordNotSent(db: Db, record: NotSentRecord): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.notSent(record.accountId, messageKeyId(record), record.reason),
        kind: 'notSent',
        ...record,
      },
    }),
  );
}

/** What was not sent to an account's contacts, and why, oldest first. */
export async function listNotSent(db: Db, accountId: string): Promise<NotSentRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.notSentPrefix },
  });
  return items
    .map((item) => parseItem(notSentItem, item, 'not-sent ledger entry'))
    .sort((a, b) => a.at.localeCompare(b.at) || messageKeyId(a).localeCompare(messageKeyId(b)));
}
