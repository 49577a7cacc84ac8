import type { TicketPriority } from '#core/signals';
import type { AccountContext } from '../context.ts';

export interface Ticket {
  ticketId: string;
  openedAt: string | null;
  closedAt: string | null;
  priority: TicketPriority;
}

const startOf = (day: string) => `${day}T00:00:00.000Z`;

/**
 * The account's tickets: the stored ticket states, completed from the rollups where a state lags behind
 * (a ticket seen opened or closed in a rollup but not yet in its state).
 */
export function ticketsOf(context: AccountContext): Ticket[] {
  const { account, tickets } = context.input;
  const byId = new Map<string, Ticket>();
  for (const state of tickets) {
    if (state.accountId !== account.id) {
      throw new Error(`ticket of account ${state.accountId} passed to score account ${account.id}`);
    }
    byId.set(state.ticketId, {
      ticketId: state.ticketId,
      openedAt: state.openedAt ?? null,
      closedAt: state.closedAt ?? null,
      priority: state.priority ?? 'normal',
    });
  }
  for (const rollup of context.rollups) {
    // Index loops, and none over the (usual) empty lists: this runs for every rollup of every account scored.
    const opened = rollup.ticketsOpened;
    for (let i = 0; i < opened.length; i++) {
      const { ticketId, priority } = opened[i] as (typeof opened)[number];
      const known = byId.get(ticketId);
      if (!known) byId.set(ticketId, { ticketId, openedAt: startOf(rollup.day), closedAt: null, priority });
      else if (known.openedAt === null) known.openedAt = startOf(rollup.day);
    }
    const closed = rollup.ticketsClosed;
    for (let i = 0; i < closed.length; i++) {
      const ticketId = closed[i] as string;
      const known = byId.get(ticketId);
      if (!known)
        byId.set(ticketId, { ticketId, openedAt: null, closedAt: startOf(rollup.day), priority: 'normal' });
      else if (known.closedAt === null) known.closedAt = startOf(rollup.day);
    }
  }
  return [...byId.values()].sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1));
}

export function isOpenAt(ticket: Ticket, now: Date): boolean {
  const at = now.getTime();
  if (ticket.openedAt !== null && Date.parse(ticket.openedAt) > at) return false;
  if (ticket.closedAt !== null && Date.parse(ticket.closedAt) <= at) return false;
  return ticket.openedAt !== null || ticket.closedAt === null;
}
