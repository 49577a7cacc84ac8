import {
  addDecimals,
  type Decimal,
  decimalOf,
  decimalToNumber,
  formatDecimal,
  parseDecimal,
  sameDecimal,
} from './decimal.ts';
import type { Signal, SignalType, TicketPriority } from './signals.ts';
import { TICKET_PRIORITIES } from './signals.ts';
import { utf8Length } from './text.ts';

/**
 * Everything scoring needs to know about one account's day. A rollup is a pure function of the day's signal set,
 * kept up to date by adding each batch of newly stored signals (addToRollup): every part of it merges in any order
 * and in any grouping of batches to the same result, so concurrent writers, retries and a recompute from the stored
 * signals all agree (see store/signal-store.ts).
 */
export interface DailyRollup {
  accountId: string;
  day: string;
  /** Number of distinct signals the rollup counts; exact. */
  signalCount: number;
  /** Signals per type; exact. */
  counts: Partial<Record<SignalType, number>>;
  /**
   * Sum of `value` per type, for types that carry one (usage, nps, csat, value_realized, ...): exact as decimals
   * (see core/decimal.ts), and held inside JavaScript's safe-integer range (a sum beyond it is clamped to it).
   */
  sums: Partial<Record<SignalType, number>>;
  /** The value of the latest signal of each valued type that day (ties in time go to the larger id). */
  latestValues: Partial<Record<SignalType, number>>;
  lastAt: Partial<Record<SignalType, string>>;
  /** Distinct users active that day (any signal with a userId); exact up to ROLLUP_LIMITS.activeUsers. */
  activeUserCount: number;
  /** Those users, sorted: the first ones, within ROLLUP_LIMITS.activeUsers. */
  activeUsers: string[];
  features: string[];
  milestones: string[];
  /** Tickets opened that day with their priority (the highest one given, when opened twice). */
  ticketsOpened: { ticketId: string; priority: TicketPriority }[];
  ticketsClosed: string[];
  outcomes: string[];
  /** contract_change_requested signals asking to cut the contract value (attributes.direction = reduce). */
  contractReductions: number;
  /**
   * What the day's latest relationship_score carried beside its value (seed 001's assessment): the level the
   * customer and vendor agreed to aim for (`attributes.desired`, 0-10) and who assessed it (`attributes.assessor`).
   * Follows the latest scorecard, so any order of adding gives the same; absent when it carried neither.
   */
  relationshipAssessment?: RelationshipAssessment;
  /**
   * Custom metrics (`metric` signals) by name: how many readings, their sum (exact as decimals in the book, held
   * inside the safe-integer range like `sums`), and the latest reading with its time (ties in time go to the larger
   * id). At most ROLLUP_LIMITS.metrics names, the first in sort order; absent on a day without metric signals.
   */
  metrics?: Record<string, MetricAggregate>;
  /**
   * Lists that reached their limit (ROLLUP_LIMITS): they keep their first values in sort order, and for
   * `activeUsers` the count is then a lower bound. Absent when nothing was cut.
   */
  capped?: CappedList[];
}

export interface MetricAggregate {
  count: number;
  sum: number;
  latest: number;
  latestAt: string;
}

export interface RelationshipAssessment {
  desired: number | null;
  assessor: string | null;
}

/** The desired level and assessor a relationship_score signal carries, if any. */
export function assessmentOf(attributes: Signal['attributes']): RelationshipAssessment | undefined {
  const desired = typeof attributes?.desired === 'number' ? attributes.desired : null;
  const assessor = typeof attributes?.assessor === 'string' ? attributes.assessor : null;
  return desired === null && assessor === null ? undefined : { desired, assessor };
}

export const CAPPED_LISTS = [
  'activeUsers',
  'features',
  'milestones',
  'ticketsOpened',
  'ticketsClosed',
  'metrics',
] as const;
export type CappedList = (typeof CAPPED_LISTS)[number];

/**
 * Bounds on the distinct values a day keeps, by count and by UTF-8 bytes, so that a rollup stays a small DynamoDB
 * item (well under its 400 KB limit, and a few KB in practice) whatever a day brings. Counts stay exact.
 */
export const ROLLUP_LIMITS: Record<CappedList, { values: number; bytes: number }> = {
  activeUsers: { values: 1000, bytes: 32 * 1024 },
  features: { values: 256, bytes: 8 * 1024 },
  milestones: { values: 64, bytes: 4 * 1024 },
  ticketsOpened: { values: 256, bytes: 12 * 1024 },
  ticketsClosed: { values: 256, bytes: 8 * 1024 },
  metrics: { values: 64, bytes: 8 * 1024 },
};

/**
 * What merging needs beyond the rollup itself, stored beside it: where a sum is not exact as a number, its exact
 * decimal; and which signal each latest value came from (time in ms and id), so a later batch can tell whether
 * it holds a later one.
 */
export interface RollupBook {
  exactSums?: Partial<Record<SignalType, string>>;
  latestFrom: Partial<Record<SignalType, [number, string]>>;
  /** Per custom metric kept in the rollup: the signal its latest reading came from, and its exact sum if needed. */
  metrics?: Record<string, MetricBook>;
}

export interface MetricBook {
  latestFrom: [number, string];
  exactSum?: string;
}

export interface RollupState {
  rollup: DailyRollup;
  book: RollupBook;
}

export function emptyRollupState(accountId: string, day: string): RollupState {
  return {
    rollup: {
      accountId,
      day,
      signalCount: 0,
      counts: {},
      sums: {},
      latestValues: {},
      lastAt: {},
      activeUserCount: 0,
      activeUsers: [],
      features: [],
      milestones: [],
      ticketsOpened: [],
      ticketsClosed: [],
      outcomes: [],
      contractReductions: 0,
    },
    book: { latestFrom: {} },
  };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The sorted union of two lists, cut to the longest prefix within `limit`. Keeping a sorted prefix makes the cut
 * independent of arrival order: a value dropped once is larger than all kept, so it can never come back.
 */
function mergeList<T>(
  kept: readonly T[],
  added: Iterable<T>,
  keyOf: (value: T) => string,
  sizeOf: (value: T) => number,
  limit: { values: number; bytes: number },
  combine?: (a: T, b: T) => T,
): { values: T[]; cut: boolean } {
  const byKey = new Map<string, T>();
  for (const value of kept) byKey.set(keyOf(value), value);
  let changed = false;
  for (const value of added) {
    const key = keyOf(value);
    const before = byKey.get(key);
    if (before === undefined) {
      byKey.set(key, value);
      changed = true;
    } else if (combine) {
      const after = combine(before, value);
      if (after !== before) {
        byKey.set(key, after);
        changed = true;
      }
    }
  }
  if (!changed) return { values: kept as T[], cut: false };
  const sorted = [...byKey.keys()].sort(byCodeUnits);
  const values: T[] = [];
  let bytes = 0;
  for (const key of sorted) {
    const value = byKey.get(key) as T;
    bytes += sizeOf(value);
    if (values.length >= limit.values || bytes > limit.bytes) return { values, cut: true };
    values.push(value);
  }
  return { values, cut: false };
}

const textSize = (text: string) => utf8Length(text) + 1;
const PRIORITY_RANK = new Map<TicketPriority, number>(TICKET_PRIORITIES.map((p, i) => [p, i]));
const higherPriority = (
  a: { ticketId: string; priority: TicketPriority },
  b: { ticketId: string; priority: TicketPriority },
) => ((PRIORITY_RANK.get(b.priority) ?? 0) > (PRIORITY_RANK.get(a.priority) ?? 0) ? b : a);

function sumOf(state: RollupState, type: SignalType): Decimal {
  const exact = state.book.exactSums?.[type];
  if (exact !== undefined) return parseDecimal(exact);
  return decimalOf(state.rollup.sums[type] ?? 0);
}

/** Sets a sum from its exact decimal: the nearest number within the safe-integer range, and the decimal if needed. */
function setSum(state: RollupState, type: SignalType, exact: Decimal): void {
  const nearest = Math.max(
    Number.MIN_SAFE_INTEGER,
    Math.min(Number.MAX_SAFE_INTEGER, decimalToNumber(exact)),
  );
  state.rollup.sums[type] = nearest;
  const exactSums = state.book.exactSums ?? {};
  if (sameDecimal(decimalOf(nearest), exact)) delete exactSums[type];
  else exactSums[type] = formatDecimal(exact);
  if (Object.keys(exactSums).length > 0) state.book.exactSums = exactSums;
  else delete state.book.exactSums;
}

function addValue(state: RollupState, type: SignalType, value: number): void {
  if (state.book.exactSums?.[type] === undefined) {
    const plain = (state.rollup.sums[type] ?? 0) + value;
    // Integers whose sum is a safe integer add exactly as numbers: the common case, without decimals.
    if (Number.isInteger(plain) && Number.isInteger(value) && Number.isSafeInteger(plain)) {
      state.rollup.sums[type] = plain;
      return;
    }
  }
  setSum(state, type, addDecimals(sumOf(state, type), decimalOf(value)));
}

const laterThan = (a: [number, string], b: [number, string] | undefined) =>
  b === undefined || a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** A custom metric's aggregate while merging: the rollup's figures with the book's exact sum and latest source. */
interface MetricTally {
  name: string;
  count: number;
  sum: Decimal;
  latest: number;
  from: [number, string];
}

const combineTallies = (a: MetricTally, b: MetricTally): MetricTally => ({
  name: a.name,
  count: a.count + b.count,
  sum: addDecimals(a.sum, b.sum),
  ...(laterThan(b.from, a.from) ? { latest: b.latest, from: b.from } : { latest: a.latest, from: a.from }),
});

function talliesOf(rollup: DailyRollup, book: RollupBook): MetricTally[] {
  return Object.entries(rollup.metrics ?? {}).map(([name, aggregate]) => {
    const kept = book.metrics?.[name];
    return {
      name,
      count: aggregate.count,
      sum: kept?.exactSum === undefined ? decimalOf(aggregate.sum) : parseDecimal(kept.exactSum),
      latest: aggregate.latest,
      from: kept?.latestFrom ?? [Date.parse(aggregate.latestAt), ''],
    };
  });
}

/** Writes merged tallies back as the rollup's metrics and their book entries (the book keeps what numbers lose). */
function setMetrics(state: RollupState, tallies: readonly MetricTally[]): void {
  const metrics: Record<string, MetricAggregate> = {};
  const books: Record<string, MetricBook> = {};
  for (const tally of tallies) {
    const sum = Math.max(
      Number.MIN_SAFE_INTEGER,
      Math.min(Number.MAX_SAFE_INTEGER, decimalToNumber(tally.sum)),
    );
    metrics[tally.name] = {
      count: tally.count,
      sum,
      latest: tally.latest,
      latestAt: new Date(tally.from[0]).toISOString(),
    };
    books[tally.name] = sameDecimal(decimalOf(sum), tally.sum)
      ? { latestFrom: tally.from }
      : { latestFrom: tally.from, exactSum: formatDecimal(tally.sum) };
  }
  state.rollup.metrics = metrics;
  state.book.metrics = books;
}

/**
 * A copy of a state that addToRollup may change without changing `previous`: the rollup and the book are copied,
 * and of the records it changes in place, those the signals change (counts always; values, latest sources and
 * exact sums only for signals that carry a value), in the same order of keys. The rest (the lists, metrics and
 * assessment, which it replaces rather than changes, and the records these signals leave alone) are shared, so a
 * store that writes only what changed (store/signal-store.ts) writes only these (a deep copy of every rollup
 * written was most of what adding cost).
 */
function mergeableCopy(previous: RollupState, signals: readonly Signal[]): RollupState {
  const { rollup, book } = previous;
  const valued = signals.some((signal) => signal.value !== undefined);
  const copy: RollupState = {
    rollup: Object.assign({}, rollup, { counts: { ...rollup.counts } }),
    // Only a signal with a value changes the book (sums, latest sources, metrics).
    book: valued ? Object.assign({}, book, { latestFrom: { ...book.latestFrom } }) : book,
  };
  if (valued) {
    copy.rollup.sums = { ...rollup.sums };
    copy.rollup.latestValues = { ...rollup.latestValues };
    if (book.exactSums) copy.book.exactSums = { ...book.exactSums };
  }
  return copy;
}

/**
 * Adds signals that are not yet counted to a day's rollup and returns the new state (the one passed in is left as
 * it was). Adding the same set in any order, in one batch or many, gives the same state.
 */
export function addToRollup(previous: RollupState, signals: readonly Signal[]): RollupState {
  const state = mergeableCopy(previous, signals);
  const { rollup, book } = state;
  const users: string[] = [];
  const features: string[] = [];
  const milestones: string[] = [];
  const opened: { ticketId: string; priority: TicketPriority }[] = [];
  const closed: string[] = [];
  const outcomes: string[] = [];
  const metricReadings: MetricTally[] = [];
  const lastAt = new Map<SignalType, number>();

  for (const signal of signals) {
    const { type } = signal;
    const at = Date.parse(signal.occurredAt);
    rollup.signalCount += 1;
    rollup.counts[type] = (rollup.counts[type] ?? 0) + 1;
    if (at > (lastAt.get(type) ?? Number.NEGATIVE_INFINITY)) lastAt.set(type, at);
    if (signal.value !== undefined) {
      addValue(state, type, signal.value);
      const from: [number, string] = [at, signal.id];
      if (laterThan(from, book.latestFrom[type])) {
        book.latestFrom[type] = from;
        rollup.latestValues[type] = signal.value;
        if (type === 'relationship_score') {
          const assessment = assessmentOf(signal.attributes);
          if (assessment) rollup.relationshipAssessment = assessment;
          else delete rollup.relationshipAssessment;
        }
      }
    }
    if (signal.userId) users.push(signal.userId);
    const attrs = signal.attributes ?? {};
    if (type === 'feature_used') features.push(String(attrs.feature));
    if (type === 'milestone') milestones.push(String(attrs.milestone));
    if (type === 'ticket_opened') {
      const priority = PRIORITY_RANK.has(attrs.priority as TicketPriority)
        ? (attrs.priority as TicketPriority)
        : 'normal';
      opened.push({ ticketId: String(attrs.ticketId), priority });
    }
    if (type === 'ticket_closed') closed.push(String(attrs.ticketId));
    if (type === 'renewal_outcome') outcomes.push(String(attrs.outcome));
    if (type === 'contract_change_requested' && attrs.direction === 'reduce') rollup.contractReductions++;
    if (type === 'metric' && signal.value !== undefined)
      metricReadings.push({
        name: String(attrs.name),
        count: 1,
        sum: decimalOf(signal.value),
        latest: signal.value,
        from: [at, signal.id],
      });
  }
  let laterAt: DailyRollup['lastAt'] | undefined;
  for (const [type, at] of lastAt) {
    const before = rollup.lastAt[type];
    if (before !== undefined && at <= Date.parse(before)) continue;
    laterAt ??= { ...rollup.lastAt };
    laterAt[type] = new Date(at).toISOString();
  }
  if (laterAt) rollup.lastAt = laterAt;

  const cut = new Set<CappedList>(rollup.capped ?? []);
  const merge = <T>(
    list: CappedList,
    kept: readonly T[],
    added: readonly T[],
    keyOf: (value: T) => string,
    sizeOf: (value: T) => number,
    combine?: (a: T, b: T) => T,
  ): T[] => {
    if (added.length === 0) return kept as T[];
    const merged = mergeList(kept, added, keyOf, sizeOf, ROLLUP_LIMITS[list], combine);
    if (merged.cut) cut.add(list);
    return merged.values;
  };
  const same = (value: string) => value;
  rollup.activeUsers = merge('activeUsers', rollup.activeUsers, users, same, textSize);
  rollup.activeUserCount = rollup.activeUsers.length;
  rollup.features = merge('features', rollup.features, features, same, textSize);
  rollup.milestones = merge('milestones', rollup.milestones, milestones, same, textSize);
  rollup.ticketsOpened = merge(
    'ticketsOpened',
    rollup.ticketsOpened,
    opened,
    (t) => t.ticketId,
    (t) => textSize(t.ticketId) + 24,
    higherPriority,
  );
  rollup.ticketsClosed = merge('ticketsClosed', rollup.ticketsClosed, closed, same, textSize);
  if (metricReadings.length > 0) {
    const merged = merge(
      'metrics',
      talliesOf(rollup, book),
      metricReadings,
      (tally) => tally.name,
      (tally) => textSize(tally.name) + 64,
      combineTallies,
    );
    setMetrics(state, merged);
  }
  // Outcomes are one of four words: no limit needed.
  if (outcomes.length > 0)
    rollup.outcomes = [...new Set([...rollup.outcomes, ...outcomes])].sort(byCodeUnits);
  if (cut.size > 0) rollup.capped = [...cut].sort(byCodeUnits);
  return state;
}

/** The rollup of a day holding exactly these signals. */
export function buildDailyRollup(accountId: string, day: string, signals: readonly Signal[]): DailyRollup {
  return addToRollup(emptyRollupState(accountId, day), signals).rollup;
}

/** Ticket lifecycle kept per ticket so that a ticket open for months is still seen as open. */
export interface TicketState {
  accountId: string;
  ticketId: string;
  openedAt?: string;
  closedAt?: string;
  priority?: TicketPriority;
}
