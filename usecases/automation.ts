import { type AutomationActivity, automationActivity } from '#core/journeys/automation';
import { readContractHistories } from '#store/contract-history-store';
import { mapLimit } from '#store/parallel';
import { listPortfolio } from '#store/portfolio-store';
import { listNotSent, listSends } from '#store/send-ledger-store';
import type { UseCaseDeps } from './account-view.ts';

const READS_IN_FLIGHT = 16;

export interface AutomationAnswer extends AutomationActivity {
  asOf: string;
  accounts: number;
  definitions: Record<string, string>;
}

export const AUTOMATION_DEFINITIONS = {
  sent: 'Messages of the play the send ledger holds as sent.',
  silent:
    'Messages the play would have sent had it not run in silent mode (the not-sent ledger, would_have_sent).',
  heldOut:
    "Messages kept back because the account is in the play's holdout share (the not-sent ledger, held_out).",
  skipped: 'Messages not sent for any other reason, by the reason the not-sent ledger records.',
  holdouts:
    'For each play with a holdout share: the accounts it reached (a contact message sent) against those it held out and those silent mode kept it from; renewal outcomes from the contract history (churn rate among those with an outcome) and current health (mean score, red accounts). Difference: treated minus held out.',
};

/**
 * GET /v1/automation: automation activity per play and holdout comparisons (core/journeys/automation.ts). The
 * ledgers and contract histories are kept per account, so this reads each registered account's send ledger,
 * not-sent ledger and contract history (three Queries an account, READS_IN_FLIGHT at a time) and the registry
 * for health.
 */
export async function loadAutomation(deps: UseCaseDeps): Promise<AutomationAnswer> {
  const entries = await listPortfolio(deps.db);
  const ids = entries.map((entry) => entry.accountId);
  const [ledgers, histories] = await Promise.all([
    mapLimit(ids, READS_IN_FLIGHT, async (id) => {
      const [sends, notSent] = await Promise.all([listSends(deps.db, id), listNotSent(deps.db, id)]);
      return { sends, notSent };
    }),
    readContractHistories(deps.db, ids),
  ]);
  const sends = ledgers.flatMap(({ sends }) =>
    sends.flatMap((s) =>
      s.accountId === undefined
        ? []
        : [{ accountId: s.accountId, playId: s.playId, audience: s.audience, status: s.status }],
    ),
  );
  const notSent = ledgers.flatMap(({ notSent }) => notSent);
  const outcomes = [...histories.values()].flatMap((events) =>
    events.flatMap((e) => (e.outcome ? [{ accountId: e.accountId, outcome: e.outcome, at: e.at }] : [])),
  );
  const health = new Map(
    entries.flatMap(({ accountId, health }) =>
      health ? [[accountId, { score: health.score, band: health.band }] as const] : [],
    ),
  );
  return {
    asOf: deps.clock.now().toISOString(),
    accounts: entries.length,
    definitions: AUTOMATION_DEFINITIONS,
    ...automationActivity(deps.config, sends, notSent, outcomes, health),
  };
}
