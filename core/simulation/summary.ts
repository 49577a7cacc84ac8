import type { Config } from '#config/schema';
import { DAY_MS, isoWeek } from '#core/clock';
import type { EncodedSeries } from '#core/evaluation/daily-series';

/** Everything the simulation did, as result.json lists it. */
export interface SimAction {
  at: string;
  accountId: string;
  kind: string;
  what: string;
  why: string;
  contact?: string;
  play?: string;
  mode?: 'live' | 'silent' | 'held_out';
  subject?: string;
  execution?: string;
  /**
   * On `risk_opened`, the triggers that opened the risk (what `churnguard evaluate` weighs each trigger by); on
   * `renewal_checkpoint`, those that held at the checkpoint.
   */
  triggers?: string[];
}

export interface SimSkip {
  at: string;
  accountId: string;
  play: string;
  contact: string;
  outcome: string;
  reason: string;
}

export interface SimEmail {
  at: string;
  to: string[];
  subject: string;
  /** The plain-text body, as the recipient reads it. */
  text: string;
  /** Attached files (a review invitation's .ics), when there are any. */
  attachments?: { filename: string; contentType: string; content: string }[];
}

/** A Slack or Teams post the run made (captured, never sent): where, its headline, the link, the vendor's body. */
export interface SimPost {
  at: string;
  kind: 'slack' | 'teams';
  destination: string;
  title: string;
  link?: string;
  payload: Record<string, unknown>;
}

export interface SimAccountEnd {
  accountId: string;
  score: number | null;
  band: string;
  /** What costs the score most, in words, biggest first (the health drivers). */
  drivers: string[];
  /** Champion, cruiser or laggard; null when the account went live before the run (its start unseen). */
  journeyClass: string | null;
  segment: string;
  openRisk: { tier: number; primaryCause: string; strategy: string } | null;
  outcome: string | null;
  /** Day by day over the run: score and band at each day's end, product activity (core/evaluation/daily-series.ts). */
  daily: EncodedSeries;
}

export interface SimOutcome {
  accountId: string;
  outcome: string;
  at: string;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export { isoWeek } from '#core/clock';

/** How a group of accounts ended: renewal outcomes by kind, and the churn rate among those with an outcome. */
export interface OutcomeGroup {
  accounts: number;
  outcomes: Record<string, number>;
  /** Accounts without a renewal outcome in the window. */
  noOutcome: number;
  /** Churned accounts over accounts with an outcome; null when none has one. */
  churnRate: number | null;
}

export interface HoldoutComparison {
  play: string;
  /** The configured holdout share (0-1), or null when read from the run alone. */
  share: number | null;
  /** Accounts the play reached (a message sent). */
  treated: OutcomeGroup;
  /** Accounts in the play's holdout that it would otherwise have reached. */
  heldOut: OutcomeGroup;
  /** Accounts it would have reached but did not because the play runs in silent mode. */
  silent: OutcomeGroup;
  /** Treated churn rate minus held-out churn rate: negative when the play goes with less churn. */
  churnRateDifference: number | null;
}

/**
 * The play and recipient of a message from its timeline cause, `message:<play>#<about>#<recipient>#<occurrence>`
 * (core/journeys/messages.ts messageKeyId); a message on the timeline went out, so its mode is live.
 */
export function journeyMessageOf(
  cause: string | undefined,
): Pick<SimAction, 'play' | 'contact' | 'mode'> | Record<string, never> {
  const match = cause?.match(/^message:([^#]+)#[^#]*#([^#]+)#/);
  if (!match?.[1] || !match[2]) return {};
  return { play: match[1], contact: match[2], mode: 'live' };
}

function outcomeGroup(accounts: ReadonlySet<string>, outcomeOf: ReadonlyMap<string, string>): OutcomeGroup {
  const outcomes: Record<string, number> = {};
  let noOutcome = 0;
  for (const id of accounts) {
    const outcome = outcomeOf.get(id);
    if (outcome === undefined) noOutcome++;
    else outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const withOutcome = accounts.size - noOutcome;
  return {
    accounts: accounts.size,
    outcomes: Object.fromEntries(Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b))),
    noOutcome,
    churnRate: withOutcome ? (outcomes.churned ?? 0) / withOutcome : null,
  };
}

/** The holdout share of each play that has one, from the config's plays. */
export function holdoutShares(config: Pick<Config, 'plays'>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(config.plays).flatMap(([id, play]) => (play.holdout > 0 ? [[id, play.holdout]] : [])),
  );
}

/**
 * Treated against held-out accounts for each play with a holdout share (issue 8, item 5). An account is in one
 * group per play: holdout is deterministic by account and play (core/journeys/holdout.ts). Its outcome is the
 * last renewal outcome of the run. Without `shares`, the plays are those that held some account out.
 */
export function compareHoldouts(
  actions: readonly SimAction[],
  skips: readonly SimSkip[],
  outcomes: readonly SimOutcome[],
  shares?: Readonly<Record<string, number>>,
): HoldoutComparison[] {
  const plays = shares
    ? Object.entries(shares).filter(([, share]) => share > 0)
    : [...new Set(skips.filter((s) => s.outcome === 'held_out').map((s) => s.play))].map(
        (play): [string, number | null] => [play, null],
      );
  const outcomeOf = new Map<string, string>();
  for (const o of [...outcomes].sort((a, b) => a.at.localeCompare(b.at)))
    outcomeOf.set(o.accountId, o.outcome);
  return plays
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([play, share]) => {
      const accountsWhere = (ids: Iterable<string>) => new Set(ids);
      const treated = accountsWhere(
        actions.filter((a) => a.play === play && (a.mode ?? 'live') === 'live').map((a) => a.accountId),
      );
      const heldOut = accountsWhere(
        skips.filter((s) => s.play === play && s.outcome === 'held_out').map((s) => s.accountId),
      );
      const silent = accountsWhere(
        skips
          .filter((s) => s.play === play && s.outcome === 'would_have_sent' && !treated.has(s.accountId))
          .map((s) => s.accountId),
      );
      const groups = {
        treated: outcomeGroup(treated, outcomeOf),
        heldOut: outcomeGroup(heldOut, outcomeOf),
        silent: outcomeGroup(silent, outcomeOf),
      };
      const { churnRate: t } = groups.treated;
      const { churnRate: h } = groups.heldOut;
      return { play, share, ...groups, churnRateDifference: t !== null && h !== null ? t - h : null };
    });
}

export interface SimSummary {
  actionsByKind: Record<string, number>;
  actionsByPlay: Record<string, number>;
  skippedByReason: Record<string, number>;
  messagesPerContactWeek: { max: number; p95: number };
  escalationsByTier: Record<string, number>;
  warning: null | {
    churned: number;
    warnedChurned: number;
    medianDaysOfWarning: number | null;
    shareWarnedAtLeast60Days: number;
    redAtT90: { precision: number | null; recall: number | null; truePositives: number; flagged: number };
  };
  /** Per play with a holdout share: how the accounts it reached fared against those it held out. */
  holdouts: HoldoutComparison[];
}

function count<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The figures a CS lead reads first: what was done, how much mail each contact got, how escalations spread over
 * tiers, and (with outcomes) how early churn was warned of and how well "red at T-90" predicted it.
 */
export function summarise(
  actions: readonly SimAction[],
  skips: readonly SimSkip[],
  emails: readonly SimEmail[],
  outcomes: readonly SimOutcome[],
  holdoutShares?: Readonly<Record<string, number>>,
): SimSummary {
  const perContactWeek = new Map<string, number>();
  for (const email of emails) {
    for (const to of email.to) {
      const key = `${to} ${isoWeek(email.at)}`;
      perContactWeek.set(key, (perContactWeek.get(key) ?? 0) + 1);
    }
  }
  const weekly = [...perContactWeek.values()];
  const escalations = actions.filter((a) => a.kind === 'risk_opened' || a.kind === 'risk_escalated');
  let warning: SimSummary['warning'] = null;
  if (outcomes.length > 0) {
    const churned = outcomes.filter((o) => o.outcome === 'churned');
    const firstWarning = new Map<string, string>();
    for (const a of actions) {
      if (a.kind === 'risk_opened' && !firstWarning.has(a.accountId)) firstWarning.set(a.accountId, a.at);
    }
    const days = churned
      .map((o) => {
        const warned = firstWarning.get(o.accountId);
        return warned && warned <= o.at ? Math.floor((Date.parse(o.at) - Date.parse(warned)) / DAY_MS) : null;
      })
      .filter((d): d is number => d !== null);
    const redAtT90 = new Set(
      actions
        .filter(
          (a) =>
            a.kind === 'renewal_checkpoint' && a.what.includes('T-90') && a.why.includes('health is red'),
        )
        .map((a) => a.accountId),
    );
    const churnedIds = new Set(churned.map((o) => o.accountId));
    const truePositives = [...redAtT90].filter((id) => churnedIds.has(id)).length;
    warning = {
      churned: churned.length,
      warnedChurned: days.length,
      medianDaysOfWarning: median(days),
      shareWarnedAtLeast60Days: churned.length ? days.filter((d) => d >= 60).length / churned.length : 0,
      redAtT90: {
        precision: redAtT90.size ? truePositives / redAtT90.size : null,
        recall: churned.length ? truePositives / churned.length : null,
        truePositives,
        flagged: redAtT90.size,
      },
    };
  }
  return {
    actionsByKind: count(actions, (a) => a.kind),
    actionsByPlay: count(actions, (a) => a.play),
    skippedByReason: count(skips, (s) => s.reason),
    messagesPerContactWeek: { max: weekly.length ? Math.max(...weekly) : 0, p95: percentile(weekly, 95) },
    escalationsByTier: count(escalations, (a) =>
      a.kind === 'risk_opened' ? '1' : a.what.match(/tier (\d)/)?.[1],
    ),
    warning,
    holdouts: compareHoldouts(actions, skips, outcomes, holdoutShares),
  };
}
