import type { Config } from '#config/schema';
import { utcDay } from '#core/clock';
import { addDays } from '#core/health/days';
import type { AccountHealthInput } from '#core/health/next-health';
import type { TicketState } from '#core/rollup';
import type { Db } from '#store/client';
import { readAccountAndHealth } from '#store/health-store';
import { listIssues } from '#store/issue-store';
import { readRollups, readTickets } from '#store/signal-store';

const UTC_INSTANT = /^\d{4}-\d{2}-(?:0[1-9]|1\d|2[0-8])T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * The UTC day of an instant, read from its text when it is a UTC timestamp on a day every month has (1-28: the
 * Date round trip gives the same day for those), else by the round trip (utcDay); ingest stores closing times in UTC.
 */
const closingDay = (closedAt: string) =>
  UTC_INSTANT.test(closedAt) ? closedAt.slice(0, 10) : utcDay(closedAt);

/** Tickets scoring reads: every open one, and those closed within the lookback. */
function relevantTickets(tickets: readonly TicketState[], fromDay: string): TicketState[] {
  return tickets.filter((ticket) => ticket.closedAt === undefined || closingDay(ticket.closedAt) >= fromDay);
}

/**
 * Everything one account's health is computed from, read in parallel: profile and stored health (one request,
 * always consistent), the lookback's rollups, tickets and health issues. `consistent` reads see every write that
 * finished before the call; the recompute uses it after reading a dirty marker, so that the data behind the mark is
 * never missed.
 */
export async function loadHealthInput(
  db: Db,
  config: Config,
  accountId: string,
  now: Date,
  consistent = true,
): Promise<AccountHealthInput | undefined> {
  const toDay = utcDay(now);
  const fromDay = utcDay(addDays(now, -(config.health.lookbackDays - 1)));
  const [{ account, health: previous }, rollups, tickets, issues] = await Promise.all([
    readAccountAndHealth(db, accountId),
    readRollups(db, accountId, fromDay, toDay, { consistent }),
    readTickets(db, accountId, { consistent }),
    listIssues(db, accountId, { consistent }),
  ]);
  if (!account) return undefined;
  return { account, rollups, tickets: relevantTickets(tickets, fromDay), previous, issues };
}
