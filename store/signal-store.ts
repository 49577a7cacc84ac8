import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  addToRollup,
  type CappedList,
  type DailyRollup,
  emptyRollupState,
  ROLLUP_LIMITS,
  type RollupState,
  type TicketState,
} from '#core/rollup';
import { SIGNAL_TYPES, type Signal, TICKET_PRIORITIES } from '#core/signals';
import { batchGet, insertIfAbsent, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { GroupCommit } from './group-commit.ts';
import { type Key, keys } from './keys.ts';
import { backoffMs, mapLimit, sleep } from './parallel.ts';
import { freezeAll, parseItem } from './parse-item.ts';
import { insertStatement, type StatementCondition, updateStatement } from './partiql.ts';
import { onePer } from './per-owner.ts';
import { metricsSchema, type ParsedRun, parseRollupItem, parseRollupRun } from './rollup-item.ts';
import { runStatement } from './statement-batch.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * Signals and their daily rollups, exactly once, at a cost proportional to the batch (not to the day's history).
 *
 * - A signal is stored by a conditional put (`attribute_not_exists`): its own answer says whether this request
 *   stored it. Only those signals are added to the day's rollup, so receipts and rollups count each signal once
 *   however many clients send it at the same time. A read of the batch's keys first finds most duplicates cheaply.
 * - The rollup is read, the stored signals added (core/rollup.ts: merges in any order to the same result), and
 *   written back conditional on its version. A lost race reads it again and adds the same signals again.
 * - Repair: a crash between storing signals and writing the rollup leaves signals that are stored but not counted.
 *   A retry finds them as duplicates; whenever a batch holds duplicates, the day's stored signals are counted
 *   (a Query of that day) and a rollup that counts fewer is recomputed from them (`repairs` goes up, so a writer
 *   whose own version was overtaken by a repair recomputes too, rather than adding its signals twice).
 * - A rollup remembers when the first of its raw signals expires (`rawUntil`, TTL). From then on the day is closed:
 *   its rollup is final, and a signal for it is refused rather than counted twice or recomputed from what is left.
 */

/** Signals of one account on one UTC day, the unit in which signals and their rollup are written. */
export interface DayBatch {
  accountId: string;
  day: string;
  signals: Signal[];
}

export interface DayResult {
  /** Signals this request stored: its own conditional writes said so. */
  accepted: Signal[];
  duplicates: number;
  /** Signals for a day whose raw signals were retired (TTL): neither stored nor de-duplicable, so refused. */
  closed: Signal[];
}

export interface StoreOptions {
  /** When the batch's raw signal items expire (DynamoDB TTL, epoch seconds); the rollups are kept. */
  expiresAt: number;
  now: Date;
}

const MAX_ROLLUP_ATTEMPTS = 20;
/** Days whose stored signals are counted at once (legacy rollups, repairs after duplicates): Queries, not writes. */
const DAYS_COUNTED_IN_FLIGHT = 16;
/**
 * Rollups this process wrote last, kept per Db (a few MB at ~1 KB each): a request that read a day's rollup just
 * before another request's write starts from the newer one instead of losing a conditional write to it.
 */
const RECENT_ROLLUPS = 4096;

const typeRecord = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(SIGNAL_TYPES), value);
const CAPPED_LISTS = Object.keys(ROLLUP_LIMITS) as [CappedList, ...CappedList[]];

/** A rollup item as stored: the rollup, and what keeps it exact under concurrent writers (see above). */
export const rollupItemSchema = z.looseObject({
  accountId: z.string(),
  day: z.string(),
  signalCount: z.number().int().nonnegative(),
  counts: typeRecord(z.number()),
  sums: typeRecord(z.number()),
  latestValues: typeRecord(z.number()),
  lastAt: typeRecord(z.string()),
  activeUserCount: z.number().int().nonnegative(),
  activeUsers: z.array(z.string()),
  features: z.array(z.string()),
  milestones: z.array(z.string()),
  ticketsOpened: z.array(z.object({ ticketId: z.string(), priority: z.enum(TICKET_PRIORITIES) })),
  ticketsClosed: z.array(z.string()),
  outcomes: z.array(z.string()),
  contractReductions: z.number().int().nonnegative(),
  capped: z.array(z.enum(CAPPED_LISTS)).optional(),
  relationshipAssessment: z
    .object({ desired: z.number().nullable(), assessor: z.string().nullable() })
    .optional(),
  metrics: metricsSchema.optional(),
  version: z.number().int(),
  /** Recomputations from the stored signals (repair); absent in rollups written before incremental ingest. */
  repairs: z.number().int().optional(),
  /** Epoch seconds at which the first of the day's raw signals expires: the day closes then. */
  rawUntil: z.number().optional(),
  book: z
    .object({
      exactSums: typeRecord(z.string()).optional(),
      latestFrom: typeRecord(z.tuple([z.number(), z.string()])),
      metrics: z
        .record(
          z.string(),
          z.object({ latestFrom: z.tuple([z.number(), z.string()]), exactSum: z.string().optional() }),
        )
        .optional(),
    })
    .optional(),
});
type RollupItem = z.infer<typeof rollupItemSchema>;

/** A raw signal as stored: what rollups are computed from (the ingest path validated it on the way in). */
const storedSignalSchema = z.looseObject({
  id: z.string(),
  accountId: z.string(),
  type: z.enum(SIGNAL_TYPES),
  occurredAt: z.string(),
  receivedAt: z.string(),
  value: z.number().optional(),
  userId: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  [TTL_ATTRIBUTE]: z.number().optional(),
});

function toSignal(item: Record<string, unknown>): Signal & { [TTL_ATTRIBUTE]?: number } {
  const {
    pk: _pk,
    sk: _sk,
    kind: _kind,
    ...signal
  } = parseItem(storedSignalSchema, item, `signal ${String(item.pk)} ${String(item.sk)}`);
  return signal;
}

const withoutExpiry = ({ [TTL_ATTRIBUTE]: _expiresAt, ...signal }: Signal & { [TTL_ATTRIBUTE]?: number }) =>
  signal;

/**
 * Object.assign rather than spreads: on V8, spreading signals of many shapes into a new literal costs several µs
 * per item against ~0.3 µs, which a year-long simulation pays millions of times (bench/simulate.ts).
 */
type SignalItem = Key & Record<string, unknown>;

function signalItem(signal: Signal, day: string, expiresAt: number): SignalItem {
  const { pk, sk } = keys.signal(signal.accountId, day, signal.id);
  const item = Object.assign<SignalItem, Signal>(
    { pk, sk, kind: 'signal', [TTL_ATTRIBUTE]: expiresAt },
    signal,
  );
  freezeAll(item);
  return item;
}

const dayKey = (accountId: string, day: string) => `${accountId}\u0000${day}`;
const keyText = (key: Key) => `${key.pk}\u0000${key.sk}`;

function stateOf(item: RollupItem): RollupState {
  const { version: _v, repairs: _r, rawUntil: _u, book, pk: _pk, sk: _sk, kind: _k, ...rollup } = item;
  return { rollup, book: book ?? { latestFrom: {} } };
}

/** A rollup written before rollups were kept incrementally: it has no book, so it is recomputed once. */
const isLegacy = (item: RollupItem) => item.book === undefined || item.rawUntil === undefined;

async function getRollupItem(db: Db, accountId: string, day: string): Promise<RollupItem | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.rollup(accountId, day),
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item ? parseItem(rollupItemSchema, out.Item, `rollup ${accountId} ${day}`) : undefined;
}

/**
 * `written` if `item` holds exactly its attributes, each the very value written. The in-memory store keeps the
 * frozen values of a write as they are, so a day's rollup read back after this process wrote it is found here,
 * as typed as when it was built, without a parse; an item from DynamoDB shares no map or list with what was
 * written, so it never matches and is parsed.
 */
function asWritten(item: Record<string, unknown>, written: RollupItem | undefined): RollupItem | undefined {
  if (written === undefined || item === written) return written;
  let attributes = 0;
  for (const name in item) {
    if (item[name] !== written[name]) return undefined;
    attributes++;
  }
  return attributes === Object.keys(written).length ? written : undefined;
}

async function readRollupItems(db: Db, days: readonly DayBatch[]): Promise<Map<string, RollupItem>> {
  const items = await batchGet(
    db,
    days.map((d) => keys.rollup(d.accountId, d.day)),
  );
  const written = rollupWrites(db);
  const found = new Map<string, RollupItem>();
  for (const item of items) {
    const key = dayKey(String(item.accountId), String(item.day));
    const rollup =
      asWritten(item, written.recent(key)) ??
      parseItem(rollupItemSchema, item, `rollup ${String(item.pk)} ${String(item.sk)}`);
    found.set(key, rollup);
  }
  return found;
}

/**
 * Which of these keys (signals, tickets) are stored: an eventually consistent read; the conditional writes have
 * the last word.
 */
async function storedKeys(db: Db, signalKeys: readonly Key[]): Promise<Set<string>> {
  const items = await batchGet(db, signalKeys, { projection: 'pk, sk', consistent: false });
  return new Set(items.map((item) => keyText({ pk: String(item.pk), sk: String(item.sk) })));
}

/** The earliest open and the earliest close win, so the state is the same in any order of writes. */
const earlierThanStored = (attribute: 'openedAt' | 'closedAt', at: string): StatementCondition => ({
  text: `attribute_not_exists("${attribute}") OR "${attribute}" > ?`,
  parameters: [at],
});

/** What a batch says of one ticket: its earliest opening (with that opening's priority) and earliest closing. */
interface TicketChange {
  accountId: string;
  ticketId: string;
  opened?: { at: string; priority: unknown };
  closedAt?: string;
}

function ticketChanges(signals: readonly Signal[]): TicketChange[] {
  const changes = new Map<string, TicketChange>();
  for (const signal of signals) {
    if (signal.type !== 'ticket_opened' && signal.type !== 'ticket_closed') continue;
    const ticketId = String(signal.attributes?.ticketId);
    const name = `${signal.accountId}\u0000${ticketId}`;
    const change = changes.get(name) ?? { accountId: signal.accountId, ticketId };
    changes.set(name, change);
    const at = new Date(signal.occurredAt).toISOString();
    if (signal.type === 'ticket_opened' && (change.opened === undefined || at < change.opened.at))
      change.opened = { at, priority: signal.attributes?.priority ?? 'normal' };
    if (signal.type === 'ticket_closed' && (change.closedAt === undefined || at < change.closedAt))
      change.closedAt = at;
  }
  return [...changes.values()];
}

/**
 * One ticket's change: an INSERT creates the ticket with all of it; UPDATEs, each conditional on being earlier
 * than what is stored, change an existing one (a PartiQL UPDATE never creates an item). The batch's first read
 * decides which (`known`: the ticket was there; tickets are never deleted, so then the UPDATEs have the last
 * word). A ticket not seen there is inserted; a refused INSERT means another writer created it meanwhile, and
 * the UPDATEs follow.
 */
async function applyTicket(db: Db, change: TicketChange, known: boolean): Promise<void> {
  const { accountId, ticketId, opened, closedAt } = change;
  const key = keys.ticket(accountId, ticketId);
  const about = { kind: 'ticket', accountId, ticketId };
  const updates = [
    ...(opened
      ? [
          updateStatement(db.tableName, key, {
            set: { ...about, openedAt: opened.at, priority: opened.priority },
            condition: earlierThanStored('openedAt', opened.at),
          }),
        ]
      : []),
    ...(closedAt
      ? [
          updateStatement(db.tableName, key, {
            set: { ...about, closedAt },
            condition: earlierThanStored('closedAt', closedAt),
          }),
        ]
      : []),
  ];
  const runUpdates = () => Promise.all(updates.map((update) => runStatement(db, update)));
  if (known) {
    await runUpdates();
    return;
  }
  const insert = insertStatement(db.tableName, {
    ...key,
    ...about,
    ...(opened ? { openedAt: opened.at, priority: opened.priority } : {}),
    ...(closedAt ? { closedAt } : {}),
  });
  if ((await runStatement(db, insert)) !== 'written') await runUpdates();
}

/**
 * Ticket lifecycle from ticket signals: when a ticket was first opened (with that opening's priority) and first
 * closed. Each write keeps the earliest, so writers, retries and a repair may apply them in any order and as
 * often as they like; a batch writes each ticket once where it can, and its tickets share requests
 * (store/statement-batch.ts). `known`: the keys of tickets found stored (an eventually consistent read is enough:
 * a wrong guess costs a refused write, not a wrong state).
 */
async function applyTickets(db: Db, signals: readonly Signal[], known: ReadonlySet<string>): Promise<void> {
  await Promise.all(
    ticketChanges(signals).map((change) =>
      applyTicket(db, change, known.has(keyText(keys.ticket(change.accountId, change.ticketId)))),
    ),
  );
}

const ticketKeys = (signals: readonly Signal[]) =>
  ticketChanges(signals).map((change) => keys.ticket(change.accountId, change.ticketId));

/** Writes a rollup state if the stored one is still `previous` (or still absent): the item written, or undefined. */
async function putRollup(
  db: Db,
  state: RollupState,
  previous: RollupItem | undefined,
  { rawUntil, repaired }: { rawUntil: number; repaired: boolean },
): Promise<RollupItem | undefined> {
  const { pk, sk } = keys.rollup(state.rollup.accountId, state.rollup.day);
  const repairs = (previous?.repairs ?? 0) + (repaired ? 1 : 0);
  // Object.assign rather than a spread, as in signalItem.
  const item: RollupItem = Object.assign(
    { pk, sk, kind: 'rollup' } as Record<string, unknown>,
    state.rollup,
    {
      version: (previous?.version ?? 0) + 1,
      repairs,
      rawUntil: Math.min(rawUntil, previous?.rawUntil ?? rawUntil),
      book: state.book,
    },
  );
  // Nothing changes a rollup once built (addToRollup works on a copy), so it is stored frozen, without a copy.
  freezeAll(item);
  const outcome = await runStatement(
    db,
    previous === undefined ? insertStatement(db.tableName, item) : replaceStatement(db, item, previous),
  );
  return outcome === 'written' ? item : undefined;
}

/**
 * The rollup written over `previous` if it is still that version: what it no longer has removed, and every
 * attribute set that is not the very value `previous` holds. The condition makes the stored item `previous`, so
 * an attribute left out (the day, the kind, a list the new signals left as it was: addToRollup shares those) is
 * already what the item holds. The version always changes, so something is always set. Metered as the whole item.
 */
function replaceStatement(db: Db, item: RollupItem, previous: RollupItem) {
  const { pk, sk, ...attributes } = item;
  const set: Record<string, unknown> = {};
  for (const name in attributes) {
    const value = attributes[name];
    if (value !== previous[name]) set[name] = value;
  }
  return updateStatement(
    db.tableName,
    { pk: String(pk), sk: String(sk) },
    {
      set,
      remove: Object.keys(previous).filter((name) => !(name in item)),
      condition: { text: '"version" = ?', parameters: [previous.version] },
      written: item,
    },
  );
}

/** How many signals of a day are stored: a consistent counting Query (it reads the day, but returns no items). */
async function countStored(db: Db, accountId: string, day: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.accountPartition(accountId),
          ':prefix': keys.signalDayPrefix(day),
        },
        ConsistentRead: true,
        Select: 'COUNT',
        ExclusiveStartKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'read');
    count += out.Count ?? 0;
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

async function readStored(db: Db, accountId: string, day: string) {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.accountPartition(accountId),
      ':prefix': keys.signalDayPrefix(day),
    },
    ConsistentRead: true,
  });
  return items.map(toSignal);
}

export type RepairOutcome = 'current' | 'repaired' | 'retired';

/**
 * Recomputes a day's rollup from its stored signals (and applies their ticket state again) unless the rollup
 * already counts them all. `retired` when the rollup counts more than is stored: raw signals expired, so the
 * rollup is the more complete record and is left alone.
 */
export async function repairDay(db: Db, accountId: string, day: string): Promise<RepairOutcome> {
  for (let attempt = 0; attempt < MAX_ROLLUP_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt, 5, 200));
    const [stored, previous] = await Promise.all([
      readStored(db, accountId, day),
      getRollupItem(db, accountId, day),
    ]);
    if (previous && stored.length < previous.signalCount) return 'retired';
    if (previous && !isLegacy(previous) && stored.length === previous.signalCount) return 'current';
    if (stored.length === 0) return 'current';
    await applyTickets(db, stored, new Set());
    const state = addToRollup(emptyRollupState(accountId, day), stored.map(withoutExpiry));
    let rawUntil = Number.MAX_SAFE_INTEGER;
    for (const signal of stored) rawUntil = Math.min(rawUntil, signal[TTL_ATTRIBUTE] ?? rawUntil);
    if (await putRollup(db, state, previous, { rawUntil, repaired: true })) return 'repaired';
  }
  throw new Error(`rollup ${accountId} ${day} kept changing under ${MAX_ROLLUP_ATTEMPTS} attempts`);
}

/** One request's signals for a day's rollup: what it stored, and the rollup as it read it before and after. */
interface DayAdd {
  accountId: string;
  day: string;
  /** Read before the signals were stored. */
  before: RollupItem | undefined;
  /** Read after they were stored. */
  current: RollupItem | undefined;
  accepted: readonly Signal[];
  rawUntil: number;
}

const newest = (items: readonly (RollupItem | undefined)[]) =>
  items.reduce<RollupItem | undefined>(
    (best, item) => (item && (best === undefined || item.version > best.version) ? item : best),
    undefined,
  );

/**
 * Adds the signals of one or more requests (a group commit, see rollupWrites) to a day's rollup, starting from
 * the newest rollup known: what the last group wrote, or what the requests read after storing their signals. A
 * lost race reads the rollup again and adds them again. But if the day was repaired since any request's `before`
 * (read before its signals were stored), the repair's recomputation may already count them: then the day is
 * recomputed instead, which counts every stored signal once. Returns the rollup written, undefined after a repair.
 */
async function addToDay(
  db: Db,
  adds: readonly DayAdd[],
  lastWritten: RollupItem | undefined,
): Promise<RollupItem | undefined> {
  const [{ accountId, day }] = adds as [DayAdd, ...DayAdd[]];
  const accepted = adds.flatMap((add) => add.accepted);
  const rawUntil = adds.reduce((min, add) => Math.min(min, add.rawUntil), Number.MAX_SAFE_INTEGER);
  let previous = newest([lastWritten, ...adds.map((add) => add.current)]);
  for (let attempt = 0; attempt < MAX_ROLLUP_ATTEMPTS; attempt++) {
    const repairs = previous?.repairs ?? 0;
    if ((previous && isLegacy(previous)) || adds.some((add) => (add.before?.repairs ?? 0) !== repairs)) {
      await repairDay(db, accountId, day);
      return undefined;
    }
    const state = addToRollup(previous ? stateOf(previous) : emptyRollupState(accountId, day), accepted);
    const written = await putRollup(db, state, previous, { rawUntil, repaired: false });
    if (written) return written;
    await sleep(backoffMs(attempt, 2, 100));
    previous = await getRollupItem(db, accountId, day);
  }
  throw new Error(`rollup ${accountId} ${day} kept changing under ${MAX_ROLLUP_ATTEMPTS} attempts`);
}

/**
 * Rollup writes of one Db, grouped per account-day: requests in flight together that add to the same day share
 * one conditional write (store/group-commit.ts) instead of racing each other's; the next write starts from the
 * newest of what the last one wrote and what its requests read.
 */
const rollupWrites = onePer(
  (db: Db) =>
    new GroupCommit<DayAdd, RollupItem | undefined>(
      (_key, adds, lastWritten) => addToDay(db, adds, lastWritten),
      RECENT_ROLLUPS,
    ),
);

/** A day is closed once its first raw signal has expired: from then on the rollup is final. */
const isClosed = (item: RollupItem | undefined, now: Date) =>
  item?.rawUntil !== undefined && item.rawUntil * 1000 <= now.getTime();

/**
 * Stores account-days of signals exactly once and brings their rollups up to date, in phases over the whole batch
 * so that each phase is a few batched or parallel requests: read the rollups and which keys are stored; store the
 * new signals (conditional puts); apply their ticket state; add them to their rollups; and, for days that held
 * duplicates, check that the rollup counts every stored signal and repair it if not (a crash left it behind).
 */
export async function storeSignalDays(
  db: Db,
  days: readonly DayBatch[],
  { expiresAt, now }: StoreOptions,
): Promise<DayResult[]> {
  const items = days.map(({ day, signals }) => signals.map((signal) => signalItem(signal, day, expiresAt)));
  const signalKeys = items.flatMap((dayItems) => dayItems.map(({ pk, sk }) => ({ pk, sk }) as Key));
  const tickets = ticketKeys(days.flatMap((d) => d.signals));
  const [rollups, stored] = await Promise.all([
    readRollupItems(db, days),
    storedKeys(db, [...signalKeys, ...tickets]),
  ]);

  // Legacy rollups carry no expiry: whether their day is retired is read from what is stored, once.
  const legacyRetired = new Set<string>();
  await mapLimit(days, DAYS_COUNTED_IN_FLIGHT, async ({ accountId, day }) => {
    const item = rollups.get(dayKey(accountId, day));
    if (item && isLegacy(item) && (await countStored(db, accountId, day)) < item.signalCount)
      legacyRetired.add(dayKey(accountId, day));
  });

  const results: DayResult[] = days.map(() => ({ accepted: [], duplicates: 0, closed: [] }));
  const writes: { index: number; signal: Signal; item: Record<string, unknown> }[] = [];
  days.forEach(({ accountId, day, signals }, index) => {
    const result = results[index] as DayResult;
    const key = dayKey(accountId, day);
    if (isClosed(rollups.get(key), now) || legacyRetired.has(key)) {
      result.closed = signals;
      return;
    }
    const dayItems = items[index] as SignalItem[];
    signals.forEach((signal, i) => {
      const item = dayItems[i] as SignalItem;
      if (stored.has(keyText(item))) result.duplicates++;
      else writes.push({ index, signal, item });
    });
  });
  const written = await insertIfAbsent(
    db,
    writes.map((w) => w.item),
  );
  writes.forEach(({ index, signal }, i) => {
    const result = results[index] as DayResult;
    if (written[i]) result.accepted.push(signal);
    else result.duplicates++;
  });
  await applyTickets(
    db,
    results.flatMap((r) => r.accepted),
    stored,
  );

  // Read again just before adding: other writers may have added to the same days meanwhile (fewer lost races).
  // Not a day whose first read found this process's own last write of it, none since (possible in memory only,
  // see asWritten): that write is where the next one starts anyway, and its version condition still has the last
  // word over any other writer's.
  const lastWrites = rollupWrites(db);
  const ownLast = new Map<string, RollupItem>();
  const toRead: DayBatch[] = [];
  days.forEach((batch, i) => {
    if ((results[i] as DayResult).accepted.length === 0) return;
    const key = dayKey(batch.accountId, batch.day);
    const before = rollups.get(key);
    if (before !== undefined && before === lastWrites.recent(key)) ownLast.set(key, before);
    else toRead.push(batch);
  });
  const current = await readRollupItems(db, toRead);
  for (const [key, item] of ownLast) current.set(key, item);
  // Every day at once: their rollup writes share requests of 25 (store/statement-batch.ts).
  await Promise.all(
    days.map(async ({ accountId, day }, index) => {
      const { accepted } = results[index] as DayResult;
      if (accepted.length > 0)
        await rollupWrites(db).submit(dayKey(accountId, day), {
          accountId,
          day,
          before: rollups.get(dayKey(accountId, day)),
          current: current.get(dayKey(accountId, day)),
          accepted,
          rawUntil: expiresAt,
        });
    }),
  );
  await mapLimit(
    days.filter((_, index) => (results[index] as DayResult).duplicates > 0),
    DAYS_COUNTED_IN_FLIGHT,
    ({ accountId, day }) => repairIfBehind(db, accountId, day),
  );
  return results;
}

/** A day whose batch held duplicates may hold signals a crash left uncounted: count them, repair if behind. */
async function repairIfBehind(db: Db, accountId: string, day: string): Promise<void> {
  const [count, rollup] = await Promise.all([
    countStored(db, accountId, day),
    getRollupItem(db, accountId, day),
  ]);
  if (rollup === undefined || isLegacy(rollup) || count > rollup.signalCount)
    await repairDay(db, accountId, day);
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
  if (items.length === 0 || !Object.isFrozen(items[0])) return items.map(parseRollupItem);
  const lastReads = frozenReads(db);
  const run = parseRollupRun(items, lastReads.get(accountId));
  lastReads.set(accountId, run);
  return [...run.rollups];
}

/** Each account's last read of frozen rollup items, by store (see parseRollupRun); DynamoDB's items are never frozen. */
const frozenReads = onePer((_db: Db) => new Map<string, ParsedRun>());

/** A ticket's stored lifecycle (see TicketState). */
const storedTicket = z.object({
  accountId: z.string(),
  ticketId: z.string(),
  openedAt: z.string().optional(),
  closedAt: z.string().optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
}) satisfies z.ZodType<TicketState>;

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
  return items.map((item) => parseItem(storedTicket, item, `ticket ${String(item.sk)}`));
}

export async function readDaySignals(db: Db, accountId: string, day: string): Promise<Signal[]> {
  return (await readStored(db, accountId, day)).map(withoutExpiry);
}
