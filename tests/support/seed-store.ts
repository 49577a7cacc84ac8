import type { AccountInput } from '#core/accounts';
import { groupByAccountDay } from '#core/ingest';
import { buildDailyRollup, type DailyRollup, type TicketState } from '#core/rollup';
import type { Signal, SignalInput } from '#core/signals';
import { upsertAccounts } from '#store/account-store';
import { batchPut } from '#store/batch';
import type { Db } from '#store/client';
import { keys } from '#store/keys';
import { chunk, mapLimit } from '#store/parallel';

/**
 * Seeds accounts with the rollups and ticket states the ingest path would have stored for their signals, without
 * storing each signal: months of history for a portfolio in seconds. The rollups come from the same
 * buildDailyRollup that ingest uses, so scoring reads exactly what it would after a real ingest (whose own
 * exactly-once behaviour is tested in ingest-*.test.ts). Upserting the accounts registers them and marks them dirty.
 */

export interface StoredHistory {
  rollups: DailyRollup[];
  tickets: TicketState[];
}

/** What ingest would store for these signals: a rollup per account-day, a state per ticket. */
export function historyOf(signals: readonly SignalInput[], receivedAt: Date): StoredHistory {
  const stored: Signal[] = signals.map((signal) => ({ ...signal, receivedAt: receivedAt.toISOString() }));
  const rollups = groupByAccountDay(stored).map((group) =>
    buildDailyRollup(group.accountId, group.day, group.signals),
  );
  const tickets = new Map<string, TicketState>();
  for (const signal of stored) {
    if (signal.type !== 'ticket_opened' && signal.type !== 'ticket_closed') continue;
    const ticketId = String(signal.attributes?.ticketId);
    const key = `${signal.accountId}\u0000${ticketId}`;
    const ticket = tickets.get(key) ?? { accountId: signal.accountId, ticketId };
    if (signal.type === 'ticket_opened') {
      ticket.openedAt = signal.occurredAt;
      const priority = signal.attributes?.priority;
      ticket.priority =
        priority === 'low' || priority === 'high' || priority === 'urgent' ? priority : 'normal';
    } else ticket.closedAt = signal.occurredAt;
    tickets.set(key, ticket);
  }
  return { rollups, tickets: [...tickets.values()] };
}

/** The same history for another account (a portfolio of look-alike accounts, without recomputing rollups). */
export function historyFor(accountId: string, template: StoredHistory): StoredHistory {
  return {
    rollups: template.rollups.map((rollup) => ({ ...rollup, accountId })),
    tickets: template.tickets.map((ticket) => ({ ...ticket, accountId })),
  };
}

export async function storeHistory(db: Db, history: StoredHistory): Promise<void> {
  const items = [
    ...history.rollups.map((rollup) => ({
      ...keys.rollup(rollup.accountId, rollup.day),
      kind: 'rollup',
      ...rollup,
      version: 1,
    })),
    ...history.tickets.map((ticket) => ({
      ...keys.ticket(ticket.accountId, ticket.ticketId),
      kind: 'ticket',
      ...ticket,
    })),
  ];
  await mapLimit(chunk(items, 250), 4, (part) => batchPut(db, part));
}

export async function seedStoredHistory(
  db: Db,
  accounts: readonly AccountInput[],
  signals: readonly SignalInput[],
  now: Date,
): Promise<void> {
  await upsertAccounts(db, accounts, now);
  await storeHistory(db, historyOf(signals, now));
}
