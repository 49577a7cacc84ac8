import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { DAY_MS, utcDay } from '#core/clock';
import type { HealthRecord } from '#core/health/record';
import { churnedNow } from '#core/renewals/contract-history';
import type { DailyRollup, TicketState } from '#core/rollup';
import { type AccountView, riskStanding } from '#core/workflows/account-view';
import { accountFacts } from '#core/workflows/evidence';
import { healthOnRead } from '#functions/shared/health/read';
import type { Deps } from '#functions/shared/runtime';
import { getAccount } from '#store/account-store';
import { readContractHistory } from '#store/contract-history-store';
import { listIssues } from '#store/issue-store';
import { listReviews } from '#store/review-store';
import { listRisks } from '#store/risk-store';
import { readRollups, readTickets } from '#store/signal-store';

/** What the use cases are given: the function's dependencies and the playbook config it runs under. */
export type UseCaseDeps = Deps & { config: Config };

/** A handler's dependencies with the config made explicit: the bundled one, else the built-in default. */
export function useCaseDeps(deps: Deps): UseCaseDeps {
  return { ...deps, config: deps.config ?? defaultConfig };
}

export interface LoadedView extends AccountView {
  rollups: DailyRollup[];
  tickets: TicketState[];
  record: HealthRecord;
}

/**
 * One account as every workflow decision reads it (DESIGN decision 10, "one score"): the stored health the API
 * shows, scored with history against the learnt baselines (scored now only when it is stale: new signals, a new
 * model, never scored), and the facts from the rollups of the health lookback. Whether it churned is judged by the
 * contract history (churnedNow), where a churn outlives the lookback: a customer who left stays gone to every
 * workflow until a new contract (a new renewal date) wins it back. Undefined when the account is gone.
 */
export async function loadAccountView(deps: UseCaseDeps, accountId: string): Promise<LoadedView | undefined> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const account = await getAccount(db, accountId);
  if (!account) return undefined;
  const from = utcDay(new Date(now.getTime() - (config.health.lookbackDays - 1) * DAY_MS));
  // An account scored on this read was scored from the lookback's rollups and its issues: those are not read twice.
  const scoredWith = healthOnRead(deps, config, accountId).then(async (found) => {
    const input = found.health ? found.input : undefined;
    const [rollups, issues] = input
      ? [[...input.rollups], [...(input.issues ?? [])]]
      : await Promise.all([
          readRollups(db, accountId, from, utcDay(now), { consistent: true }),
          listIssues(db, accountId),
        ]);
    return { found, rollups, issues };
  });
  const [{ found, rollups, issues }, tickets, risks, reviews, contract] = await Promise.all([
    scoredWith,
    readTickets(db, accountId, { consistent: true }),
    listRisks(db, accountId),
    listReviews(db, accountId),
    readContractHistory(db, accountId),
  ]);
  if (!found.health) return undefined;
  const record = found.health;
  const facts = accountFacts(rollups, tickets, now, config.health.support.staleTicketDays);
  return {
    account,
    health: record.snapshot,
    trail: record.trail,
    journey: record.journey,
    facts: { ...facts, churned: churnedNow(contract, account.contract.renewalDate, facts.churned) },
    ...riskStanding(risks),
    reviews,
    issues,
    now,
    rollups,
    tickets,
    record,
  };
}
