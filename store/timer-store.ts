import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DAY_MS } from '#core/clock';
import { TIMER_KINDS, type Timer, type TimerKind } from '#core/workflows/timers';
import { batchGet, queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { isConditionalCheckFailed, whenTransactionConditionsHold } from './errors.ts';
import { keys } from './keys.ts';
import { backoffMs, mapLimit, sleep } from './parallel.ts';
import { parseItem } from './parse-item.ts';

/** `kind` on an item names the item type ('timer'); the timer's own kind is stored as `timerKind`. */
function dueItem(timer: Timer) {
  const { kind: timerKind, accountId, ref, dueAt, payload } = timer;
  return {
    ...keys.timerDue(dueAt, timerKind, accountId, ref),
    kind: 'timer',
    timerKind,
    accountId,
    ref,
    dueAt,
    payload,
  };
}

const dueItemSchema = z.object({
  timerKind: z.enum(TIMER_KINDS),
  accountId: z.string(),
  ref: z.string(),
  dueAt: z.string(),
  payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

function toTimer(item: Record<string, unknown>): Timer {
  const { timerKind, ...timer } = parseItem(dueItemSchema, item, 'timer');
  return { kind: timerKind, ...timer };
}

const pointerSchema = z.object({
  sk: z.string(),
  dueAt: z.string(),
  status: z.enum(['pending', 'fired', 'cancelled']),
});
type Pointer = z.infer<typeof pointerSchema>;

async function readPointer(
  db: Db,
  accountId: string,
  kind: TimerKind,
  ref: string,
): Promise<Pointer | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.timerPointer(accountId, kind, ref),
      ConsistentRead: true,
    }),
  );
  return out.Item ? parseItem(pointerSchema, out.Item, `timer pointer ${kind} ${ref}`) : undefined;
}

/**
 * Puts a timer where the dispatcher will find it, moving it when it already exists with another due time
 * (a renewal date moved). The move is one transaction: the old due entry never lingers beside the new one.
 */
export async function scheduleTimer(db: Db, timer: Timer): Promise<void> {
  const current = await readPointer(db, timer.accountId, timer.kind, timer.ref);
  if (current?.dueAt === timer.dueAt && current.status === 'pending') return;
  await db.doc.send(new TransactWriteCommand({ TransactItems: placement(db, timer, current) }));
  await lowerCursor(db, timer.dueAt.slice(0, 10));
}

/**
 * Schedules a timer only if this account never had one of that kind and ref (pending, fired or cancelled): for a
 * one-off like the checkpoint an account missed by arriving late, which a later profile update must not repeat.
 */
export async function scheduleTimerOnce(db: Db, timer: Timer): Promise<boolean> {
  if (await readPointer(db, timer.accountId, timer.kind, timer.ref)) return false;
  await scheduleTimer(db, timer);
  return true;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** TransactWriteItems takes at most 100 items; a timer needs two or three (see moves). */
const MAX_TRANSACT_ITEMS = 100;
const TRANSACTIONS_IN_FLIGHT = 4;
const MAX_TRANSACT_ATTEMPTS = 8;
/** Cancellation reasons that mean "nothing was wrong with the request, try again": a collision or throttling. */
const RETRYABLE_CANCELLATION = new Set([
  'None',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** The writes that put one timer in place, moving it off its old due time if it had one: applied together. */
function placement(db: Db, timer: Timer, pointer: Pointer | undefined): TransactItem[] {
  const pointerKey = keys.timerPointer(timer.accountId, timer.kind, timer.ref);
  const previousDue = pointer?.dueAt;
  const pending = pointer?.status === 'pending';
  return [
    ...(previousDue && pending
      ? [
          {
            Delete: {
              TableName: db.tableName,
              Key: keys.timerDue(previousDue, timer.kind, timer.accountId, timer.ref),
            },
          },
        ]
      : []),
    { Put: { TableName: db.tableName, Item: dueItem(timer) } },
    {
      Put: {
        TableName: db.tableName,
        Item: { ...pointerKey, kind: 'timerPointer', dueAt: timer.dueAt, status: 'pending' },
      },
    },
  ];
}

/** Runs one transaction of unconditional writes, again while it is cancelled by a collision or throttling. */
async function transactAll(db: Db, items: TransactItem[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const retryable =
        (error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).every((r) => RETRYABLE_CANCELLATION.has(r.Code ?? 'None'))) ||
        (error instanceof Error && error.name === 'TransactionConflictException');
      if (!retryable || attempt + 1 >= MAX_TRANSACT_ATTEMPTS) throw error;
      await sleep(backoffMs(attempt, 20, 1000));
    }
  }
}

/**
 * scheduleTimer for many timers at once (a bulk account upsert): one consistent BatchGet of their pointers, then
 * the same writes as scheduleTimer, each timer's two or three still applied together, packed up to 100 items to a
 * transaction; the dispatcher cursor is lowered once, to the earliest due day. Timers already pending at the same
 * due time are left alone, as scheduleTimer leaves them.
 */
export async function scheduleTimers(db: Db, list: readonly Timer[]): Promise<void> {
  // One write per timer: a timer named twice (same account, kind and ref) takes its last due time.
  const timers = [...new Map(list.map((t) => [`${t.accountId}\u0000${t.kind}\u0000${t.ref}`, t])).values()];
  if (timers.length === 0) return;
  const pointers = new Map<string, Pointer>();
  for (const item of await batchGet(
    db,
    timers.map((t) => keys.timerPointer(t.accountId, t.kind, t.ref)),
  ))
    pointers.set(
      `${String(item.pk)}\u0000${String(item.sk)}`,
      parseItem(pointerSchema, item, 'timer pointer'),
    );
  const transactions: TransactItem[][] = [];
  let current: TransactItem[] = [];
  let earliest: string | undefined;
  for (const timer of timers) {
    const { pk, sk } = keys.timerPointer(timer.accountId, timer.kind, timer.ref);
    const pointer = pointers.get(`${pk}\u0000${sk}`);
    if (pointer?.dueAt === timer.dueAt && pointer?.status === 'pending') continue;
    const items = placement(db, timer, pointer);
    if (current.length + items.length > MAX_TRANSACT_ITEMS) {
      transactions.push(current);
      current = [];
    }
    current.push(...items);
    if (earliest === undefined || timer.dueAt < earliest) earliest = timer.dueAt;
  }
  if (current.length > 0) transactions.push(current);
  await mapLimit(transactions, TRANSACTIONS_IN_FLIGHT, (items) => transactAll(db, items));
  if (earliest !== undefined) await lowerCursor(db, earliest.slice(0, 10));
}

/** Cancels one pending timer; false when it was not pending (fired, cancelled or never set). */
export async function cancelTimer(db: Db, accountId: string, kind: TimerKind, ref: string): Promise<boolean> {
  const pointerKey = keys.timerPointer(accountId, kind, ref);
  const pointer = await readPointer(db, accountId, kind, ref);
  if (pointer?.status !== 'pending') return false;
  return whenTransactionConditionsHold(() =>
    db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.tableName,
              Key: keys.timerDue(pointer.dueAt, kind, accountId, ref),
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: pointerKey,
              UpdateExpression: 'SET #status = :cancelled',
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending' },
            },
          },
        ],
      }),
    ),
  );
}

/** Cancels an account's pending timers, but those `keep` keeps; returns how many it cancelled. */
export async function cancelTimers(
  db: Db,
  accountId: string,
  keep: (timer: PendingTimer) => boolean = () => false,
): Promise<number> {
  let cancelled = 0;
  for (const timer of await pendingTimers(db, accountId)) {
    if (keep(timer)) continue;
    if (await cancelTimer(db, accountId, timer.kind, timer.ref)) cancelled++;
  }
  return cancelled;
}

const cursorSchema = z.object({ day: z.string() });

async function readCursor(db: Db): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.dispatcherCursor, ConsistentRead: true }),
  );
  return out.Item ? parseItem(cursorSchema, out.Item, 'dispatcher cursor').day : undefined;
}

/**
 * Lowers the dispatcher's cursor to `day` when it is later. The cursor is nearly always at or before a new timer's
 * day already, so it is read first: a refused conditional write would cost a write unit and a thrown error where a
 * consistent read costs a read unit. The write stays conditional, for a cursor another writer lowered meanwhile.
 */
async function lowerCursor(db: Db, day: string): Promise<void> {
  const cursor = await readCursor(db);
  if (cursor !== undefined && cursor <= day) return;
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.dispatcherCursor, day },
        ConditionExpression: 'attribute_not_exists(pk) OR #day > :day',
        ExpressionAttributeNames: { '#day': 'day' },
        ExpressionAttributeValues: { ':day': day },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** Pending timers due at or before `now`, oldest first, scanning due days from the cursor up to today. */
export async function dueTimers(db: Db, now: Date, limit = 500): Promise<Timer[]> {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  let day = (await readCursor(db)) ?? today;
  const due: Timer[] = [];
  while (day <= today && due.length < limit) {
    const items = await queryAll(db, {
      KeyConditionExpression: 'pk = :pk AND sk <= :now',
      ExpressionAttributeValues: { ':pk': keys.timerDuePartition(day), ':now': `${at}\uffff` },
      ConsistentRead: true,
    });
    // Oldest first: the engine asks for one timer at a time, so only those returned are parsed.
    for (const item of items) {
      if (due.length >= limit) break;
      const timer = toTimer(item);
      if (timer.dueAt <= at) due.push(timer);
    }
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  }
  return due;
}

/**
 * Marks a timer fired after its execution started. Conditional on the due entry still being there, so a
 * dispatcher running twice fires nothing twice (the execution name already refuses a second start).
 */
export async function markFired(db: Db, timer: Timer): Promise<boolean> {
  return whenTransactionConditionsHold(() =>
    db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.tableName,
              Key: keys.timerDue(timer.dueAt, timer.kind, timer.accountId, timer.ref),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: keys.timerPointer(timer.accountId, timer.kind, timer.ref),
              UpdateExpression: 'SET #status = :fired',
              ConditionExpression: 'dueAt = :due',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':fired': 'fired', ':due': timer.dueAt },
            },
          },
        ],
      }),
    ),
  );
}

/** Moves the cursor past days that hold no pending timers, so the dispatcher's scan stays short. */
export async function advanceCursor(db: Db, now: Date): Promise<void> {
  const today = now.toISOString().slice(0, 10);
  const cursor = await readCursor(db);
  let day = cursor ?? today;
  while (day < today) {
    const left = await queryAll(db, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timerDuePartition(day) },
      ConsistentRead: true,
      Limit: 1,
    });
    if (left.length > 0) break;
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  }
  // Most runs find the cursor where it was (today's): nothing to write.
  if (day === cursor) return;
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.dispatcherCursor, day } }));
}

/** A timer an account has pending, as its pointer says. */
export interface PendingTimer {
  kind: TimerKind;
  ref: string;
  dueAt: string;
}

export async function pendingTimers(db: Db, accountId: string): Promise<PendingTimer[]> {
  const pointers = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.accountPartition(accountId),
      ':prefix': keys.timerPointerPrefix(),
    },
    ConsistentRead: true,
  });
  return pointers
    .map((item) => parseItem(pointerSchema, item, 'timer pointer'))
    .filter((p) => p.status === 'pending')
    .map((p) => {
      const [, kind, ...ref] = p.sk.split('#');
      return { kind: z.enum(TIMER_KINDS).parse(kind), ref: ref.join('#'), dueAt: p.dueAt };
    })
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}
