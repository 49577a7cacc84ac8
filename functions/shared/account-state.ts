import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { Account } from '#core/accounts';
import { computeBaselines } from '#core/health/baselines';
import { scoreAccount } from '#core/health/score';
import type { HealthSnapshot } from '#core/health/types';
import type { DailyRollup, TicketState } from '#core/rollup';
import { type AccountFacts, accountFacts } from '#core/workflows/evidence';
import { getAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readRollups, readTickets } from '#store/signal-store';

const DAY_MS = 86_400_000;

export interface AccountState {
  account: Account;
  rollups: DailyRollup[];
  tickets: TicketState[];
  health: HealthSnapshot;
  facts: AccountFacts;
}

/**
 * Everything a workflow task needs to judge one account now: profile, rollups over the health lookback, tickets,
 * a health snapshot and the facts behind renewal risk. Health is scored here against the configured baseline
 * defaults; it becomes the stored snapshot once cohort baselines are persisted.
 */
export async function loadAccountState(
  db: Db,
  accountId: string,
  now: Date,
  config: Config = defaultConfig,
): Promise<AccountState | undefined> {
  const account = await getAccount(db, accountId);
  if (!account) return undefined;
  const from = new Date(now.getTime() - config.health.lookbackDays * DAY_MS).toISOString().slice(0, 10);
  const [rollups, tickets] = await Promise.all([
    readRollups(db, accountId, from, now.toISOString().slice(0, 10)),
    readTickets(db, accountId),
  ]);
  const health = scoreAccount(config, { account, rollups, tickets }, computeBaselines(config, [], now), now);
  return { account, rollups, tickets, health, facts: accountFacts(rollups, tickets, now) };
}
