import * as z from 'zod';
import type { Account, AccountInput } from '#core/accounts';
import { utcDay } from '#core/clock';
import type { HealthRecord } from '#core/health/record';
import type { HealthIssue } from '#core/issues/issue';
import { outcomeEvent } from '#core/renewals/contract-history';
import type { DailyRollup, TicketState } from '#core/rollup';
import { RENEWAL_OUTCOMES, type Signal } from '#core/signals';
import { riskStanding } from '#core/workflows/account-view';
import { sponsorDetractor } from '#core/workflows/detect';
import { accountFacts } from '#core/workflows/evidence';
import { riskCheckNeeded } from '#core/workflows/risk-decisions';
import type { Timer } from '#core/workflows/timers';
import type { PassHooks } from '#functions/shared/health/recompute-portfolio';
import { getAccount } from '#store/account-store';
import { markDeparted } from '#store/contact-preferences-store';
import { readContractChurned, recordOutcomeOnce } from '#store/contract-history-store';
import { getOpenRisk, listRisks } from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { cancelTimers, scheduleTimerOnce } from '#store/timer-store';
import type { UseCaseDeps } from './account-view.ts';

/**
 * Risk follows the customer (DESIGN decision 10): the daily health pass and the ingest of critical signals start
 * a risk check on any day of the contract. Both only start the RiskEscalation workflow (through a timer the
 * dispatcher picks up, named once per cause); the workflow decides again and opens, notes or closes the risk.
 */

const renewalOutcomeSchema = z.enum(RENEWAL_OUTCOMES);

function checkTimer(accountId: string, ref: string, dueAt: string, payload: Timer['payload']): Timer {
  return { kind: 'risk_check', accountId, ref, dueAt, payload: { step: 'detect', ...payload } };
}

/**
 * After an account was scored by a health pass: start a check when detection would change something (a trigger
 * with no risk open, new evidence, or an open risk that has recovered). At most one such check a day.
 */
export async function checkAfterScoring(
  deps: UseCaseDeps,
  input: {
    account: AccountInput;
    rollups: readonly DailyRollup[];
    tickets: readonly TicketState[];
    issues?: readonly HealthIssue[];
  },
  record: HealthRecord,
): Promise<boolean> {
  const now = deps.clock.now();
  const standing = riskStanding(await listRisks(deps.db, input.account.id));
  const facts = accountFacts(input.rollups, input.tickets, now, deps.config.health.support.staleTicketDays);
  // A churn in the lookback may be of a contract won back since: the contract history judges it.
  const churned = facts.churned && (await readContractChurned(deps.db, input.account, true));
  const reason = riskCheckNeeded(deps.config, {
    account: input.account,
    health: record.snapshot,
    trail: record.trail,
    journey: record.journey,
    facts: { ...facts, churned },
    ...standing,
    reviews: [],
    issues: input.issues ?? [],
    now,
  });
  if (!reason) return false;
  // The rollups know a churn only while its day is in the lookback; the contract history keeps it.
  if (!facts.churned && (await readContractChurned(deps.db, input.account))) return false;
  return scheduleTimerOnce(
    deps.db,
    checkTimer(input.account.id, `health.${utcDay(now)}`, now.toISOString(), {
      origin: `health pass (${reason})`,
    }),
  );
}

/** The health passes' hook: detection after each account is scored. */
export function riskDetection(deps: UseCaseDeps): PassHooks {
  return {
    async afterScoring(outcome) {
      if (outcome.input && outcome.health) await checkAfterScoring(deps, outcome.input, outcome.health);
    },
  };
}

const CRITICAL = new Set([
  'sponsor_left',
  'contract_change_requested',
  'payment_failed',
  'renewal_risk',
  'relationship_score',
  'nps',
]);

/** The contacts a sponsor_left names (attributes.contactId or userId), or every sponsor when it names none. */
function departing(account: Account, signal: Signal): string[] {
  const named = [signal.attributes?.contactId, signal.userId].filter(
    (v): v is string => typeof v === 'string',
  );
  const known = account.contacts.filter((c) => named.includes(c.id)).map((c) => c.id);
  return named.length > 0 ? known : account.contacts.filter((c) => c.role === 'sponsor').map((c) => c.id);
}

/**
 * After a batch of signals was stored: a contact who left gets nothing further; a critical signal (sponsor left,
 * a contract cut, a payment failure, a cancellation flag, a weak scorecard, a sponsor's NPS) starts a risk check
 * now rather than at the next renewal checkpoint; a renewal outcome closes the countdown and any open risk.
 */
export async function afterSignalsStored(deps: UseCaseDeps, signals: readonly Signal[]): Promise<void> {
  const accounts = new Map<string, Account | undefined>();
  const accountOf = async (id: string) => {
    if (!accounts.has(id)) accounts.set(id, await getAccount(deps.db, id));
    return accounts.get(id);
  };
  for (const signal of signals) {
    if (signal.type === 'renewal_outcome') {
      await recordOutcome(deps, signal, await accountOf(signal.accountId));
      await closeCountdown(deps, signal);
      continue;
    }
    if (!CRITICAL.has(signal.type)) continue;
    if (signal.type === 'contract_change_requested' && signal.attributes?.direction !== 'reduce') continue;
    const at = new Date(signal.occurredAt).toISOString();
    const payload: Timer['payload'] = { origin: `${signal.type} signal` };
    if (signal.type === 'sponsor_left') {
      const account = await accountOf(signal.accountId);
      for (const contactId of account ? departing(account, signal) : []) {
        await markDeparted(deps.db, signal.accountId, contactId, at);
      }
    }
    if (signal.type === 'nps') {
      const account = await accountOf(signal.accountId);
      const sponsor = account?.contacts.find(
        (c) => c.role === 'sponsor' && (c.id === signal.userId || c.id === signal.attributes?.contactId),
      );
      const trigger =
        sponsor && signal.value !== undefined
          ? sponsorDetractor(deps.config.escalation.detection, signal.value, sponsor.name)
          : null;
      if (!trigger) continue;
      payload.triggerId = trigger.id;
      payload.triggerText = trigger.text;
    }
    await scheduleTimerOnce(
      deps.db,
      checkTimer(signal.accountId, `signal.${signal.id}`, deps.clock.now().toISOString(), payload),
    );
  }
}

/** The outcome goes into the contract history: it resolves the renewal in force, and a churn ends the ARR. */
async function recordOutcome(deps: UseCaseDeps, signal: Signal, account: Account | undefined): Promise<void> {
  const outcome = renewalOutcomeSchema.safeParse(signal.attributes?.outcome);
  if (!account || !outcome.success) return;
  const event = outcomeEvent({
    accountId: account.id,
    at: new Date(signal.occurredAt).toISOString(),
    outcome: outcome.data,
    contractArr: account.contract.arr,
    currency: account.currency,
    renewalDate: account.contract.renewalDate,
  });
  await recordOutcomeOnce(deps.db, event, `outcome#${signal.id}`);
}

/**
 * A renewal outcome resolves the renewal: the countdown and every pending timer of the account are cancelled (but
 * its tips when it stays a customer: their cadence runs for the whole contract), the timeline says so, and an open
 * risk is closed by the RiskEscalation workflow (which notes why and tells the CSM).
 */
async function closeCountdown(deps: UseCaseDeps, signal: Signal): Promise<void> {
  const outcome = String(signal.attributes?.outcome);
  const staysCustomer = outcome !== 'churned';
  const cancelled = await cancelTimers(
    deps.db,
    signal.accountId,
    (timer) => staysCustomer && timer.kind === 'journey_tip',
  );
  const risk = await getOpenRisk(deps.db, signal.accountId);
  await recordTimeline(deps.db, {
    accountId: signal.accountId,
    at: new Date(signal.occurredAt).toISOString(),
    action: 'renewal_closed',
    what: `Renewal ${outcome}: countdown closed (${cancelled} pending timer${cancelled === 1 ? '' : 's'} cancelled)${risk ? '; the open risk is being closed' : ''}`,
    why: `renewal_outcome signal ${signal.id}`,
    cause: `renewal_outcome:${signal.id}`,
  });
  if (risk) {
    await scheduleTimerOnce(deps.db, {
      kind: 'risk_check',
      accountId: signal.accountId,
      ref: `renewal.${signal.id}`,
      dueAt: deps.clock.now().toISOString(),
      payload: { step: 'renewal', riskId: risk.riskId, outcome },
    });
  }
}
