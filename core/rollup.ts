import type { Signal, SignalType, TicketPriority } from './signals.ts';

/**
 * Everything scoring needs to know about one account's day, derived only from that day's stored signals.
 * Because a rollup is a pure function of the signal set, recomputing it is idempotent: replays,
 * retries and concurrent writers all converge on the same item (see store/signal-store.ts).
 */
export interface DailyRollup {
  accountId: string;
  day: string;
  /** Number of distinct signals the rollup was computed from; doubles as its completeness check. */
  signalCount: number;
  counts: Partial<Record<SignalType, number>>;
  /** Sum of `value` per type, for types that carry one (usage, nps, csat, value_realized, ...). */
  sums: Partial<Record<SignalType, number>>;
  /** The value of the latest signal of each valued type that day. */
  latestValues: Partial<Record<SignalType, number>>;
  lastAt: Partial<Record<SignalType, string>>;
  /** Distinct users active that day (any signal with a userId). */
  activeUserCount: number;
  /** Those users, sorted, at most MAX_LISTED_USERS of them. */
  activeUsers: string[];
  features: string[];
  milestones: string[];
  ticketsOpened: { ticketId: string; priority: TicketPriority }[];
  ticketsClosed: string[];
  outcomes: string[];
  /** contract_change_requested signals asking to cut the contract value (attributes.direction = reduce). */
  contractReductions: number;
}

/** Distinct users kept per day; beyond this the count is still exact but the list is cut. */
export const MAX_LISTED_USERS = 2000;

/** Signals in time order (ties by id), each timestamp parsed once rather than in every comparison. */
function inTimeOrder(signals: readonly Signal[]): { signal: Signal; at: number }[] {
  return signals
    .map((signal) => ({ signal, at: Date.parse(signal.occurredAt) }))
    .sort((a, b) => a.at - b.at || (a.signal.id < b.signal.id ? -1 : a.signal.id > b.signal.id ? 1 : 0));
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export function buildDailyRollup(accountId: string, day: string, signals: readonly Signal[]): DailyRollup {
  const ordered = inTimeOrder(signals);
  const rollup: DailyRollup = {
    accountId,
    day,
    signalCount: ordered.length,
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
  };
  const users = new Set<string>();
  const features = new Set<string>();
  const milestones = new Set<string>();
  const closed = new Set<string>();
  const opened = new Map<string, TicketPriority>();
  const outcomes = new Set<string>();
  const lastAt = new Map<SignalType, number>();

  for (const { signal, at } of ordered) {
    const { type } = signal;
    rollup.counts[type] = (rollup.counts[type] ?? 0) + 1;
    lastAt.set(type, at);
    if (signal.value !== undefined) {
      rollup.sums[type] = (rollup.sums[type] ?? 0) + signal.value;
      rollup.latestValues[type] = signal.value;
    }
    if (signal.userId) users.add(signal.userId);
    const attrs = signal.attributes ?? {};
    if (type === 'feature_used') features.add(String(attrs.feature));
    if (type === 'milestone') milestones.add(String(attrs.milestone));
    if (type === 'ticket_opened') {
      opened.set(String(attrs.ticketId), (attrs.priority as TicketPriority | undefined) ?? 'normal');
    }
    if (type === 'ticket_closed') closed.add(String(attrs.ticketId));
    if (type === 'renewal_outcome') outcomes.add(String(attrs.outcome));
    if (type === 'contract_change_requested' && attrs.direction === 'reduce') rollup.contractReductions++;
  }
  for (const [type, at] of lastAt) rollup.lastAt[type] = new Date(at).toISOString();
  rollup.activeUserCount = users.size;
  rollup.activeUsers = sortedUnique(users).slice(0, MAX_LISTED_USERS);
  rollup.features = sortedUnique(features);
  rollup.milestones = sortedUnique(milestones);
  rollup.ticketsOpened = [...opened]
    .map(([ticketId, priority]) => ({ ticketId, priority }))
    .sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1));
  rollup.ticketsClosed = sortedUnique(closed);
  rollup.outcomes = sortedUnique(outcomes);
  return rollup;
}

/** Ticket lifecycle kept per ticket so that a ticket open for months is still seen as open. */
export interface TicketState {
  accountId: string;
  ticketId: string;
  openedAt?: string;
  closedAt?: string;
  priority?: TicketPriority;
}
