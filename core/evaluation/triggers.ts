import { TRIGGER_IDS, type TriggerId } from '#core/workflows/detect';
import { accountResamples, type BootstrapOptions, type Estimate, interval } from './bootstrap.ts';
import type { OutcomeOnDay } from './history.ts';
import { share } from './statistics.ts';

/** What each trigger saw, in the words `churnguard evaluate` prints beside its id. */
export const TRIGGER_LABELS: Record<TriggerId, string> = {
  red_streak: 'red for N days',
  steep_fall: 'steep fall of the score',
  sponsor_left: 'sponsor left',
  contract_cut: 'asked to cut the contract',
  payment_failures: 'payment failures',
  weak_relationship: 'weak relationship',
  sponsor_detractor: 'sponsor a detractor',
  urgent_ticket: 'urgent ticket open long',
  cancellation_set: 'cancellation set',
  issue_overdue: 'health issue plan overdue',
};

/** A risk opened on a day of the window, with the triggers that opened it (core/workflows/detect.ts). */
export interface RiskOpening {
  accountId: string;
  day: number;
  triggers: readonly TriggerId[];
}

/**
 * One account a trigger opened a risk on, and what followed: the first renewal outcome on or after the day of the
 * first risk it opened there (`null`: none in the window yet).
 */
export interface TriggerCase {
  account: number;
  churned: boolean | null;
}

/**
 * How often a trigger was right: of the accounts it opened risks on, how many churned at the renewal that
 * followed and how many renewed (renewed, expanded or contracted: the customer stayed), and its precision
 * (churned over those with an outcome) with a 95% interval from the same bootstrap by account as the other figures.
 */
export interface TriggerPrecision {
  trigger: TriggerId;
  accounts: number;
  churned: number;
  renewed: number;
  /** Accounts whose renewal after the risk had not come by the end of the window. */
  pending: number;
  precision: Estimate;
}

/** Per trigger, the accounts (indices into `accountIds`) it opened risks on and the outcome after the first one. */
export function triggerCases(
  accountIds: readonly string[],
  openings: readonly RiskOpening[],
  outcomes: readonly OutcomeOnDay[],
): Map<TriggerId, TriggerCase[]> {
  const index = new Map(accountIds.map((id, i) => [id, i]));
  const firstOpening = new Map<TriggerId, Map<number, number>>();
  for (const opening of openings) {
    const account = index.get(opening.accountId);
    if (account === undefined) continue;
    for (const trigger of opening.triggers) {
      const byAccount = firstOpening.get(trigger) ?? new Map<number, number>();
      firstOpening.set(trigger, byAccount);
      const seen = byAccount.get(account);
      if (seen === undefined || opening.day < seen) byAccount.set(account, opening.day);
    }
  }
  const outcomesOf = new Map<number, OutcomeOnDay[]>();
  for (const o of outcomes) {
    const account = index.get(o.accountId);
    if (account === undefined) continue;
    outcomesOf.set(account, [...(outcomesOf.get(account) ?? []), o]);
  }
  const cases = new Map<TriggerId, TriggerCase[]>();
  for (const trigger of TRIGGER_IDS) {
    const byAccount = firstOpening.get(trigger);
    if (!byAccount) continue;
    cases.set(
      trigger,
      [...byAccount].map(([account, day]) => {
        const next = (outcomesOf.get(account) ?? [])
          .filter((o) => o.day >= day)
          .sort((a, b) => a.day - b.day)[0];
        return { account, churned: next ? next.outcome === 'churned' : null };
      }),
    );
  }
  return cases;
}

function weighedPrecision(cases: readonly TriggerCase[], weights?: ArrayLike<number>): number | null {
  let known = 0;
  let churned = 0;
  for (const c of cases) {
    if (c.churned === null) continue;
    const w = weights ? (weights[c.account] ?? 0) : 1;
    known += w;
    if (c.churned) churned += w;
  }
  return share(churned, known);
}

/** The precision of each trigger that opened a risk on one of the group's accounts, in the order detection lists them. */
export function triggerPrecision(
  cases: ReadonlyMap<TriggerId, readonly TriggerCase[]>,
  group: readonly number[],
  accountCount: number,
  bootstrap: BootstrapOptions,
): TriggerPrecision[] {
  const inGroup = new Set(group);
  const resamples = [...accountResamples(group, accountCount, bootstrap)];
  return TRIGGER_IDS.flatMap((trigger) => {
    const own = (cases.get(trigger) ?? []).filter((c) => inGroup.has(c.account));
    if (own.length === 0) return [];
    return [
      {
        trigger,
        accounts: own.length,
        churned: own.filter((c) => c.churned === true).length,
        renewed: own.filter((c) => c.churned === false).length,
        pending: own.filter((c) => c.churned === null).length,
        precision: interval(
          weighedPrecision(own),
          resamples.map((weights) => weighedPrecision(own, weights)),
        ),
      },
    ];
  });
}
