import type { Config } from '#config/schema';
import { utcDay } from '#core/clock';
import { addDays } from '#core/health/days';
import type { AccountHealthInput } from '#core/health/next-health';
import type { TicketState } from '#core/rollup';
import type { Db } from '#store/client';
import { type AccountAndHealth, readAccountAndHealth, readAccountsAndHealth } from '#store/health-store';
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

/** Accounts whose profiles and health one BatchGetItem reads (two keys each, 100 keys to a request). */
export const ACCOUNTS_PER_READ = 50;

/** Reads one account's health input (see healthInputReader); undefined when there is no such account. */
export type HealthInputReader = (accountId: string) => Promise<AccountHealthInput | undefined>;

/**
 * Everything each of these accounts' health is computed from: profile and stored health (read for
 * ACCOUNTS_PER_READ accounts at once, consistent, when the first of them is asked for), and per account the
 * lookback's rollups, tickets and health issues, read in parallel when it is asked for. `consistent` reads see
 * every write that finished before the call; a recompute uses it after claiming a dirty marker, so that the data
 * behind the mark is never missed: every account's marker is claimed before the first account is asked for.
 * Accounts are best asked for in the order given (a pass does); an account not among `accountIds` is read alone.
 */
export function healthInputReader(
  db: Db,
  config: Config,
  accountIds: readonly string[],
  now: Date,
  consistent = true,
): HealthInputReader {
  const toDay = utcDay(now);
  const fromDay = utcDay(addDays(now, -(config.health.lookbackDays - 1)));
  const position = new Map(accountIds.map((id, index) => [id, index]));
  const batches = new Map<number, { read: Promise<Array<() => AccountAndHealth>>; left: number }>();
  const accountAndHealth = async (accountId: string): Promise<AccountAndHealth> => {
    const index = position.get(accountId);
    if (index === undefined) return readAccountAndHealth(db, accountId);
    const at = Math.floor(index / ACCOUNTS_PER_READ);
    let batch = batches.get(at);
    if (!batch) {
      const ids = accountIds.slice(at * ACCOUNTS_PER_READ, (at + 1) * ACCOUNTS_PER_READ);
      batch = { read: readAccountsAndHealth(db, ids), left: ids.length };
      batches.set(at, batch);
    }
    // Let the batch go once each of its accounts has been asked for: a pass over many accounts holds a few batches.
    if (--batch.left === 0) batches.delete(at);
    position.delete(accountId);
    const read = (await batch.read)[index - at * ACCOUNTS_PER_READ];
    return read ? read() : {};
  };
  return async (accountId) => {
    const [{ account, health: previous }, rollups, tickets, issues] = await Promise.all([
      accountAndHealth(accountId),
      readRollups(db, accountId, fromDay, toDay, { consistent }),
      readTickets(db, accountId, { consistent }),
      listIssues(db, accountId, { consistent }),
    ]);
    if (!account) return undefined;
    return { account, rollups, tickets: relevantTickets(tickets, fromDay), previous, issues };
  };
}

/** Everything one account's health is computed from (healthInputReader, for one account). */
export function loadHealthInput(
  db: Db,
  config: Config,
  accountId: string,
  now: Date,
  consistent = true,
): Promise<AccountHealthInput | undefined> {
  return healthInputReader(db, config, [accountId], now, consistent)(accountId);
}
