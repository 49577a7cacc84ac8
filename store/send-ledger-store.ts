import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CHAT_KINDS } from '#config/channels-schema';
import { type MessageKey, messageKeyId, type Verdict } from '#core/journeys/messages';
import type { PastSend } from '#core/journeys/restraint';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys, type LedgerOwner } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * The send ledger: one row per message ever decided (per play, subject, recipient and occurrence), reserved with a
 * conditional put, with its rendered content, BEFORE anything is sent. Retries, replays and concurrent runs find
 * the row and send nothing.
 *
 * Lifecycle: `reserved` (content stored, waiting for the deliver step) -> `sending` (claimed by one deliver run)
 * -> `sent` | `failed`. A routine notice is `queued` for its recipient's daily mail and settled `sent` or `failed`
 * with that mail. A throttled send is released from `sending` back to `reserved` (SES accepted nothing) and
 * retried. The one crash window is after SES accepted the message and before `sent` was recorded: the row stays
 * `sending` and is never sent again, so delivery fails toward never sending twice (DESIGN decision 4);
 * `listSends` reports such rows as `sending`.
 */
export const SEND_STATUSES = ['reserved', 'queued', 'sending', 'sent', 'failed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

const attachmentSchema = z.object({ filename: z.string(), contentType: z.string(), content: z.string() });

/** The rendered mail a row carries until it is delivered (the HTML and attachments are dropped afterwards). */
export const outgoingSchema = z.object({
  to: z.array(z.string()),
  cc: z.array(z.string()).default([]),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  attachments: z.array(attachmentSchema).default([]),
  /** The SES contact-list topic it goes under (contact mail), by its play's kind. */
  topic: z.string().optional(),
  /** A Slack or Teams post: its destination and the vendor's message body (Block Kit, an Adaptive Card). */
  post: z
    .object({
      kind: z.enum(CHAT_KINDS),
      destination: z.string(),
      payload: z.record(z.string(), z.unknown()),
    })
    .optional(),
});
export type Outgoing = z.infer<typeof outgoingSchema>;

/** What the timeline says once the message went out. */
const timelineNoteSchema = z.object({
  action: z.string(),
  what: z.string(),
  why: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineNote = z.infer<typeof timelineNoteSchema>;

/** A daily notice mail lists the account rows it settles. */
const includedSchema = z.object({ accountId: z.string(), key: z.string() });

export const sendRecordSchema = z.object({
  accountId: z.string().optional(),
  team: z.string().optional(),
  playId: z.string(),
  about: z.string(),
  recipientId: z.string(),
  occurrence: z.string(),
  channel: z.string(),
  audience: z.enum(['contact', 'internal']),
  priority: z.number(),
  status: z.enum(SEND_STATUSES),
  reservedAt: z.string(),
  sentAt: z.string().optional(),
  messageId: z.string().optional(),
  error: z.string().optional(),
  execution: z.string().optional(),
  outgoing: outgoingSchema.optional(),
  timeline: timelineNoteSchema.optional(),
  /** Queued routine notices: the day's mail that will carry it; held posts: the day's run that posts it. */
  queuedFor: z.string().optional(),
  includes: z.array(includedSchema).optional(),
});
export type SendRecord = z.infer<typeof sendRecordSchema>;

export const ownerOf = (record: Pick<SendRecord, 'accountId' | 'team'>): LedgerOwner =>
  record.accountId !== undefined ? { accountId: record.accountId } : { team: record.team ?? '' };

export interface Reservation {
  owner: LedgerOwner;
  key: MessageKey;
  channel: string;
  audience: 'contact' | 'internal';
  priority: number;
  at: string;
  execution?: string;
  status: 'reserved' | 'queued';
  outgoing?: Outgoing;
  timeline?: TimelineNote;
  queuedFor?: string;
  includes?: { accountId: string; key: string }[];
}

/** Reserves a message; false when it is already in the ledger (in any state). */
export async function reserveSend(db: Db, reservation: Reservation): Promise<boolean> {
  return (await reserveSendRow(db, reservation)) !== undefined;
}

/**
 * Reserves a message and returns its row as reserved: what getSend would read back, made from the reservation
 * instead of read. Undefined when it is already in the ledger, in any state: the caller reads the row that is there.
 */
export async function reserveSendRow(db: Db, reservation: Reservation): Promise<SendRecord | undefined> {
  const { owner, key, at, ...rest } = reservation;
  const reserved = await whenConditionHolds(async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.sendLedger(owner, messageKeyId(key)),
          kind: 'send',
          ...owner,
          ...key,
          ...rest,
          reservedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  });
  if (!reserved) return undefined;
  const { playId, about, recipientId, occurrence } = key;
  return { ...owner, playId, about, recipientId, occurrence, ...rest, reservedAt: at };
}

export async function getSend(db: Db, owner: LedgerOwner, keyId: string): Promise<SendRecord | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.sendLedger(owner, keyId), ConsistentRead: true }),
  );
  return out.Item ? parseItem(sendRecordSchema, out.Item, `send ledger row ${keyId}`) : undefined;
}

/** A row's move from one status: the attributes set and removed, applied only while it is still `from`. */
interface Transition {
  from: SendStatus;
  set: Record<string, unknown>;
  remove?: readonly string[];
}

function transitionCommand(
  db: Db,
  owner: LedgerOwner,
  keyId: string,
  { from, set, remove = [] }: Transition,
  returnValues?: 'ALL_OLD',
) {
  const names = Object.keys(set);
  return new UpdateCommand({
    ...(returnValues ? { ReturnValues: returnValues } : {}),
    TableName: db.tableName,
    Key: keys.sendLedger(owner, keyId),
    UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}${
      remove.length ? ` REMOVE ${remove.map((r) => `#${r}`).join(', ')}` : ''
    }`,
    ConditionExpression: '#status = :from',
    ExpressionAttributeNames: Object.fromEntries([...names, ...remove, 'status'].map((n) => [`#${n}`, n])),
    ExpressionAttributeValues: {
      ...Object.fromEntries(names.map((n) => [`:${n}`, set[n]])),
      ':from': from,
    },
  });
}

function transition(db: Db, owner: LedgerOwner, keyId: string, change: Transition): Promise<boolean> {
  return whenConditionHolds(() => db.doc.send(transitionCommand(db, owner, keyId, change)));
}

/** One deliver run claims a reserved row; false when another run has it or it is settled. */
export async function claimSend(db: Db, owner: LedgerOwner, keyId: string, at: string): Promise<boolean> {
  return (await claimSendRow(db, owner, keyId, at)) !== undefined;
}

/**
 * claimSend that also returns the row as it was claimed (status `reserved`, as getSend read it just before), in the
 * same request; undefined when another run has it, it is settled, or there is no such row.
 */
export async function claimSendRow(
  db: Db,
  owner: LedgerOwner,
  keyId: string,
  at: string,
): Promise<SendRecord | undefined> {
  const claiming = { from: 'reserved', set: { status: 'sending', sentAt: at } } as const;
  const command = transitionCommand(db, owner, keyId, claiming, 'ALL_OLD');
  let claimed: Record<string, unknown> | undefined;
  const held = await whenConditionHolds(async () => {
    claimed = (await db.doc.send(command)).Attributes;
  });
  return held && claimed ? parseItem(sendRecordSchema, claimed, `send ledger row ${keyId}`) : undefined;
}

/** A post held by a quiet day becomes due: the deliver step may claim it now. */
export function releaseHeld(db: Db, owner: LedgerOwner, keyId: string) {
  return transition(db, owner, keyId, { from: 'queued', set: { status: 'reserved' } });
}

/** A throttled send goes back to `reserved` for the retry: the provider accepted nothing. */
export function releaseSend(db: Db, owner: LedgerOwner, keyId: string) {
  return transition(db, owner, keyId, { from: 'sending', set: { status: 'reserved' }, remove: ['sentAt'] });
}

/** What is kept of a delivered message: who, the subject and the text (the HTML and attachments go). */
const kept = (outgoing: Outgoing | undefined) =>
  outgoing ? { ...outgoing, html: undefined, attachments: [] } : undefined;

export interface Settlement {
  from: SendStatus;
  at: string;
  outgoing?: Outgoing;
}

/** The provider accepted it: its message id is recorded. */
export function markSent(db: Db, owner: LedgerOwner, keyId: string, messageId: string, how: Settlement) {
  return transition(db, owner, keyId, {
    from: how.from,
    set: {
      status: 'sent',
      messageId,
      sentAt: how.at,
      ...(how.outgoing ? { outgoing: kept(how.outgoing) } : {}),
    },
  });
}

/** The provider refused it (or it could not be built): never retried. */
export function markFailed(db: Db, owner: LedgerOwner, keyId: string, error: string, how: Settlement) {
  return transition(db, owner, keyId, {
    from: how.from,
    set: {
      status: 'failed',
      error: error.slice(0, 1000),
      sentAt: how.at,
      ...(how.outgoing ? { outgoing: kept(how.outgoing) } : {}),
    },
  });
}

export async function listSends(db: Db, accountId: string): Promise<SendRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.ledgerPartition({ accountId }),
      ':prefix': keys.sendLedgerPrefix,
    },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(sendRecordSchema, item, 'send ledger row'));
}

/** What counts against a contact's budget: contact messages reserved, on their way or sent (not failed). */
export function toPastSends(sends: readonly SendRecord[]): PastSend[] {
  return sends
    .filter((s) => s.audience === 'contact' && s.status !== 'failed')
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
  about: z.string(),
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

/** What was not sent to an account's people, and why, oldest first. */
export async function listNotSent(db: Db, accountId: string): Promise<NotSentRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.notSentPrefix },
  });
  return items
    .map((item) => parseItem(notSentItem, item, 'not-sent ledger entry'))
    .sort((a, b) => a.at.localeCompare(b.at) || messageKeyId(a).localeCompare(messageKeyId(b)));
}
