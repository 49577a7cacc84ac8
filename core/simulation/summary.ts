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
}

export interface SimAccountEnd {
  accountId: string;
  score: number | null;
  band: string;
  segment: string;
  openRisk: { tier: number; primaryCause: string; strategy: string } | null;
  outcome: string | null;
}

export interface SimOutcome {
  accountId: string;
  outcome: string;
  at: string;
}

const DAY_MS = 86_400_000;

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

/** ISO week of an instant (`2026-W07`): messages per contact per week are counted per calendar week. */
export function isoWeek(at: string): string {
  const date = new Date(at);
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
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
  };
}
