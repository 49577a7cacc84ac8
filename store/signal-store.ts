import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildDailyRollup, type DailyRollup, type TicketState } from '#core/rollup';
import type { Signal } from '#core/signals';
import { batchPut, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { backoffMs, mapLimit, sleep } from './parallel.ts';
import { parseRollupItem } from './rollup-item.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Signals of one account on one UTC day, the unit in which signals and their rollup are written. */
export interface DayBatch {
  accountId: string;
  day: string;
  signals: Signal[];
}

export interface DayResult {
  accepted: number;
  duplicates: number;
  /** Signals for a day whose raw signals were retired (TTL): neither stored nor de-duplicable, so refused. */
  closed: Signal[];
}

/** When the batch's raw signal items expire (DynamoDB TTL, epoch seconds); the rollups are kept. */
export interface RawSignalExpiry {
  expiresAt: number;
}

const rollupUnchangedSince = 'version = :expected';
const rollupAbsent = 'attribute_not_exists(pk)';
const MAX_ROLLUP_ATTEMPTS = 20;

type StoredRollup = DailyRollup & { version: number };

function toSignal(item: Record<string, unknown>): Signal {
  const { pk: _pk, sk: _sk, kind: _kind, [TTL_ATTRIBUTE]: _expiresAt, ...signal } = item;
  return signal as unknown as Signal;
}

/**
 * Object.assign rather than spreads: on V8, spreading signals of many shapes into a new literal costs several µs
 * per item against ~0.3 µs, which a year-long simulation pays millions of times (bench/simulate.ts).
 */
function signalItem(signal: Signal, day: string, expiresAt: number) {
  const { pk, sk } = keys.signal(signal.accountId, day, signal.id);
  return Object.assign<Record<string, unknown>, Signal>(
    { pk, sk, kind: 'signal', [TTL_ATTRIBUTE]: expiresAt },
    signal,
  );
}

async function readDay(db: Db, accountId: string, day: string) {
  const [items, rollupOut] = await Promise.all([
    queryAll(db, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.accountPartition(accountId),
        ':prefix': keys.signalDayPrefix(day),
      },
      ConsistentRead: true,
    }),
    db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.rollup(accountId, day),
        ConsistentRead: true,
        ProjectionExpression: 'version, signalCount',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    ),
  ]);
  recordCapacity(db, rollupOut.ConsumedCapacity, 'read');
  const rollup = rollupOut.Item as Pick<StoredRollup, 'version' | 'signalCount'> | undefined;
  return { signals: items.map(toSignal), rollup };
}

/**
 * Ticket state is written before the signals that carry it: every update here is idempotent, so a crash between
 * the two only repeats it, while the reverse order could lose it (the retried signal would count as a duplicate).
 */
async function applyTickets(db: Db, signals: readonly Signal[]): Promise<void> {
  const ticketSignals = signals.filter((s) => s.type === 'ticket_opened' || s.type === 'ticket_closed');
  await mapLimit(ticketSignals, 4, async (signal) => {
    const ticketId = String(signal.attributes?.ticketId);
    const opened = signal.type === 'ticket_opened';
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.ticket(signal.accountId, ticketId),
        UpdateExpression: opened
          ? 'SET kind = :kind, accountId = :account, ticketId = :ticket, openedAt = if_not_exists(openedAt, :at), priority = if_not_exists(priority, :priority)'
          : 'SET kind = :kind, accountId = :account, ticketId = :ticket, closedAt = if_not_exists(closedAt, :at)',
        ExpressionAttributeValues: {
          ':kind': 'ticket',
          ':account': signal.accountId,
          ':ticket': ticketId,
          ':at': new Date(signal.occurredAt).toISOString(),
          ...(opened ? { ':priority': signal.attributes?.priority ?? 'normal' } : {}),
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}

/**
 * Writes the rollup computed from `signals`, guarded by the version read with them (optimistic concurrency).
 * Returns false when another writer got there first; the caller then re-reads the day and tries again.
 */
async function putRollup(
  db: Db,
  accountId: string,
  day: string,
  signals: Signal[],
  previousVersion?: number,
) {
  const rollup = buildDailyRollup(accountId, day, signals);
  const { pk, sk } = keys.rollup(accountId, day);
  return whenConditionHolds(async () => {
    const out = await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk,
          sk,
          kind: 'rollup',
          ...rollup,
          version: (previousVersion ?? 0) + 1,
        },
        ConditionExpression: previousVersion === undefined ? rollupAbsent : rollupUnchangedSince,
        ...(previousVersion === undefined
          ? {}
          : { ExpressionAttributeValues: { ':expected': previousVersion } }),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}

/**
 * Raw signals expire (TTL) while their rollup stays, so a day holding fewer raw signals than its rollup counts has
 * been retired: a crash between storing signals and writing the rollup only ever leaves more, never fewer.
 */
const retired = (rollup: { signalCount: number } | undefined, stored: readonly Signal[]) =>
  rollup !== undefined && stored.length < rollup.signalCount;

/**
 * Stores one account-day of signals exactly once and brings its rollup up to date.
 *
 * 1. Read the day's stored signals and the rollup's version (strongly consistent).
 * 2. Signals already stored are duplicates; ticket state for the fresh ones is applied, then they are written,
 *    expiring at `expiresAt`. A retired day refuses the rest: recomputing its rollup from what is left would lose
 *    the expired signals, and a replay can no longer be told from a new signal.
 * 3. The rollup is recomputed from everything stored and written only if the version is still the one read.
 *    A lost race re-reads and recomputes, so the final rollup always reflects every stored signal.
 * A batch of pure duplicates still repairs a rollup left behind by a crash between steps 2 and 3.
 */
export async function ingestDay(db: Db, batch: DayBatch, { expiresAt }: RawSignalExpiry): Promise<DayResult> {
  const { accountId, day } = batch;
  let { signals: stored, rollup } = await readDay(db, accountId, day);
  const storedIds = new Set(stored.map((s) => s.id));
  const fresh = batch.signals.filter((s) => !storedIds.has(s.id));
  const duplicates = batch.signals.length - fresh.length;
  if (retired(rollup, stored)) return { accepted: 0, duplicates, closed: fresh };
  const result = { accepted: fresh.length, duplicates, closed: [] };

  if (fresh.length > 0) {
    await applyTickets(db, fresh);
    await batchPut(
      db,
      fresh.map((s) => signalItem(s, day, expiresAt)),
    );
  }
  let all = [...stored, ...fresh];
  if (fresh.length === 0 && rollup?.signalCount === stored.length) return result;

  for (let attempt = 0; attempt < MAX_ROLLUP_ATTEMPTS; attempt++) {
    if (await putRollup(db, accountId, day, all, rollup?.version)) return result;
    await sleep(backoffMs(attempt, 5, 200));
    ({ signals: stored, rollup } = await readDay(db, accountId, day));
    all = stored;
    // Up to date, or retired while we raced (then the stored rollup is the more complete one).
    if (rollup !== undefined && rollup.signalCount >= stored.length) return result;
  }
  throw new Error(`rollup ${accountId} ${day} kept changing under ${MAX_ROLLUP_ATTEMPTS} attempts`);
}

/** Reads are eventually consistent unless asked; a reader that must see a write it was told about asks. */
export interface ReadOptions {
  consistent?: boolean;
}

/** The account's rollups from one day to another, oldest first, each parsed (store/rollup-item.ts). */
export async function readRollups(
  db: Db,
  accountId: string,
  fromDay: string,
  toDay: string,
  options: ReadOptions = {},
): Promise<DailyRollup[]> {
  const items = await queryAll(db, {
    ConsistentRead: options.consistent ?? false,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.accountPartition(accountId),
      ':from': keys.rollup(accountId, fromDay).sk,
      ':to': keys.rollup(accountId, toDay).sk,
    },
  });
  return items.map(parseRollupItem);
}

export async function readTickets(
  db: Db,
  accountId: string,
  options: ReadOptions = {},
): Promise<TicketState[]> {
  const items = await queryAll(db, {
    ConsistentRead: options.consistent ?? false,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.ticketPrefix },
  });
  return items.map(({ pk: _pk, sk: _sk, kind: _kind, ...ticket }) => ticket as unknown as TicketState);
}

export async function readDaySignals(db: Db, accountId: string, day: string): Promise<Signal[]> {
  return (await readDay(db, accountId, day)).signals;
}
