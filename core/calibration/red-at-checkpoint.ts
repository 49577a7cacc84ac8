import type { BandThresholds } from '#config/schema';
import { CHECKPOINTS } from '#core/evaluation/cases';
import type { AccountHistory, EvaluationHistory } from '#core/evaluation/history';
import { share } from '#core/evaluation/statistics';
import { bandFor } from '#core/health/bands';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import { scoreWith, type Weights } from './weights.ts';

/** Red is judged where evaluate judges it first: 90 days before each renewal outcome. */
export const CHECKPOINT_DAYS = CHECKPOINTS[0];

/** A renewal outcome of a held-out account, and whether it was red at T-90 under the live config and the proposal. */
export interface RedCase {
  churned: boolean;
  redBefore: boolean;
  redAfter: boolean;
}

export interface RedFigures {
  outcomes: number;
  churned: number;
  red: number;
  precision: number | null;
  recall: number | null;
}

/**
 * The renewal outcomes of `accounts` whose account had a band at T-90, each with its band then as it was and as
 * the proposal (measure parameters, weights and bands fitted without these accounts) would have made it. Days the
 * proposal cannot score (no weighted component known) keep the band they had.
 */
export function redAtCheckpoint(
  history: EvaluationHistory,
  accounts: ReadonlySet<number>,
  proposalFor: (segment: string) => { weights: Weights; bands: BandThresholds } | null,
  /** The components the proposal scores a day from (its measure parameters), given those recorded that day. */
  componentsOn: (account: AccountHistory, day: number, recorded: (number | null)[]) => (number | null)[] = (
    _account,
    _day,
    recorded,
  ) => recorded,
): RedCase[] {
  const index = new Map(history.accounts.map((a, i) => [a.accountId, i]));
  return history.outcomes.flatMap((o) => {
    const at = index.get(o.accountId);
    const account = at === undefined ? undefined : history.accounts[at];
    if (at === undefined || !account || !accounts.has(at)) return [];
    const day = o.day - CHECKPOINT_DAYS;
    const band = account.series.bands[day];
    if (!band) return [];
    const proposal = proposalFor(account.segment);
    const components = componentsOn(
      account,
      day,
      COMPONENT_IDS.map((c) => account.components?.[c][day] ?? null),
    );
    const score = proposal ? scoreWith(proposal.weights, components) : null;
    const after = proposal && score !== null ? bandFor(score, proposal.bands) : band;
    return [{ churned: o.outcome === 'churned', redBefore: band === 'red', redAfter: after === 'red' }];
  });
}

export function redFigures(cases: readonly RedCase[], red: (c: RedCase) => boolean): RedFigures {
  const churned = cases.filter((c) => c.churned).length;
  const flagged = cases.filter(red);
  const hits = flagged.filter((c) => c.churned).length;
  return {
    outcomes: cases.length,
    churned,
    red: flagged.length,
    precision: share(hits, flagged.length),
    recall: share(hits, churned),
  };
}
