import type { Config } from '#config/schema';
import type { Band } from '#core/health/vocabulary';
import {
  compareHoldouts,
  type HoldoutComparison,
  holdoutShares,
  type SimAction,
  type SimOutcome,
  type SimSkip,
} from '#core/simulation/summary';

/** A send ledger row, as automation activity reads it. */
export interface LedgerSend {
  accountId: string;
  playId: string;
  audience: 'contact' | 'internal';
  status: string;
}

/** A not-sent ledger row, as automation activity reads it. */
export interface LedgerNotSent {
  accountId: string;
  playId: string;
  outcome: string;
  reason: string;
}

export interface PlayActivity {
  play: string;
  /** Messages sent (the send ledger says `sent`). */
  sent: number;
  /** Messages decided and not settled yet (reserved, queued, sending) or failed, by status. */
  otherwise: Record<string, number>;
  /** Messages the play would have sent in silent mode. */
  silent: number;
  /** Messages held out (the play's holdout share). */
  heldOut: number;
  /** Messages not sent for any other reason (restraint, context, unsubscribed...), by reason. */
  skipped: Record<string, number>;
  /** Accounts the play reached with a message sent. */
  accountsReached: number;
}

export interface HealthGroup {
  accounts: number;
  scored: number;
  /** Mean current score of the group's scored accounts; null when none is scored. */
  averageScore: number | null;
  red: number;
}

export interface HoldoutHealth extends HoldoutComparison {
  /** Current health of the accounts in each group. */
  health: { treated: HealthGroup; heldOut: HealthGroup; silent: HealthGroup };
  /** Treated mean score minus held-out mean score: positive when the play goes with better health. */
  scoreDifference: number | null;
}

export interface AutomationActivity {
  plays: PlayActivity[];
  holdouts: HoldoutHealth[];
}

const sortedRecord = (counts: Map<string, number>) =>
  Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));

function bump(counts: Map<string, number>, key: string) {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function healthGroup(
  accounts: ReadonlySet<string>,
  health: ReadonlyMap<string, { score: number | null; band: Band | 'unknown' }>,
): HealthGroup {
  const scores: number[] = [];
  let red = 0;
  for (const id of accounts) {
    const h = health.get(id);
    if (h?.score !== null && h?.score !== undefined) scores.push(h.score);
    if (h?.band === 'red') red += 1;
  }
  return {
    accounts: accounts.size,
    scored: scores.length,
    averageScore: scores.length
      ? Math.round((scores.reduce((sum, s) => sum + s, 0) / scores.length) * 10) / 10
      : null,
    red,
  };
}

/**
 * What automation did across the portfolio, from the send and not-sent ledgers (DESIGN decision 7): per play,
 * messages sent, in silent mode, held out and skipped by reason; and for each play with a holdout share the
 * accounts it reached against those it held out (and those silent mode kept it from), by renewal outcome
 * (compareHoldouts, as the simulator's summary counts them) and by current health.
 */
export function automationActivity(
  config: Pick<Config, 'plays'>,
  sends: readonly LedgerSend[],
  notSent: readonly LedgerNotSent[],
  outcomes: readonly SimOutcome[],
  health: ReadonlyMap<string, { score: number | null; band: Band | 'unknown' }>,
): AutomationActivity {
  const plays = [...new Set([...sends.map((s) => s.playId), ...notSent.map((n) => n.playId)])].sort();
  const activity = plays.map((play): PlayActivity => {
    const otherwise = new Map<string, number>();
    const skipped = new Map<string, number>();
    const reached = new Set<string>();
    let sent = 0;
    let silent = 0;
    let heldOut = 0;
    for (const send of sends) {
      if (send.playId !== play) continue;
      if (send.status === 'sent') {
        sent += 1;
        reached.add(send.accountId);
      } else bump(otherwise, send.status);
    }
    for (const row of notSent) {
      if (row.playId !== play) continue;
      if (row.outcome === 'would_have_sent') silent += 1;
      else if (row.outcome === 'held_out') heldOut += 1;
      else bump(skipped, row.reason);
    }
    return {
      play,
      sent,
      otherwise: sortedRecord(otherwise),
      silent,
      heldOut,
      skipped: sortedRecord(skipped),
      accountsReached: reached.size,
    };
  });
  const actions: SimAction[] = sends
    .filter((s) => s.status === 'sent' && s.audience === 'contact')
    .map((s) => ({ at: '', accountId: s.accountId, kind: 'message', what: '', why: '', play: s.playId }));
  const skips: SimSkip[] = notSent.map((n) => ({
    at: '',
    accountId: n.accountId,
    play: n.playId,
    contact: '',
    outcome: n.outcome,
    reason: n.reason,
  }));
  const members = (play: string, pick: (s: SimSkip) => boolean) =>
    new Set(skips.filter((s) => s.play === play && pick(s)).map((s) => s.accountId));
  const holdouts = compareHoldouts(actions, skips, outcomes, holdoutShares(config)).map(
    (comparison): HoldoutHealth => {
      const treated = new Set(actions.filter((a) => a.play === comparison.play).map((a) => a.accountId));
      const heldOut = members(comparison.play, (s) => s.outcome === 'held_out');
      const silent = new Set(
        [...members(comparison.play, (s) => s.outcome === 'would_have_sent')].filter(
          (id) => !treated.has(id),
        ),
      );
      const groups = {
        treated: healthGroup(treated, health),
        heldOut: healthGroup(heldOut, health),
        silent: healthGroup(silent, health),
      };
      const t = groups.treated.averageScore;
      const h = groups.heldOut.averageScore;
      return {
        ...comparison,
        health: groups,
        scoreDifference: t !== null && h !== null ? Math.round((t - h) * 10) / 10 : null,
      };
    },
  );
  return { plays: activity, holdouts };
}
