import { DAY_MS } from '#core/clock';
import { quietDay } from '#core/health/quiet-days';
import type { DailyRollup, TicketState } from '#core/rollup';
import { compareText } from '#core/text';

/** The later of two instants' texts, a missing or empty one never winning (ISO instants order as text). */
function later(best: string | null, at: string | undefined): string | null {
  return at && (!best || at > best) ? at : best;
}

export function daysSince(at: string | null, now: Date): number | null {
  return at ? Math.floor((now.getTime() - Date.parse(at)) / DAY_MS) : null;
}

/** The first UTC day (`YYYY-MM-DD`) of the last `days` days before `now`: a rollup on it or later is within them. */
function fromDay(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
}

/** The facts behind risk detection and root causes, read from an account's rollups and tickets. */
export interface AccountFacts {
  /** When the sponsor left, if nobody joined as sponsor since. */
  sponsorLeftAt: string | null;
  daysSinceSponsorLeft: number | null;
  /** A request to cut the contract value within the last 180 days. */
  contractReductionRequested: boolean;
  /** When the latest request to cut the contract value came. */
  contractReductionAt: string | null;
  /** Days with payment failures since the last successful payment, newest last. */
  paymentFailures: { day: string; count: number }[];
  paymentFailedRecently: boolean;
  /** A cancellation at period end is set (renewal_risk) within the last 90 days. */
  renewalRiskFlagged: boolean;
  renewalRiskAt: string | null;
  urgentTicketsOpen: boolean;
  /** When the oldest urgent ticket still open was opened. */
  oldestUrgentTicketOpenedAt: string | null;
  ticketsDragging: boolean;
  meetingsMissed: boolean;
  relationshipScore: number | null;
  /** The day of that scorecard. */
  relationshipScoredOn: string | null;
  churned: boolean;
  /** The earliest day of data read (a rollup in the lookback): a score built on fewer days says less. */
  firstDataDay: string | null;
  /** The latest renewal outcome signal, if any. */
  renewalOutcome: { outcome: string; at: string } | null;
}

/**
 * One walk over the rollups (the daily pass reads every account's facts every day: a walk per fact was a tenth of
 * its cost). Windows count the days from `now`: 30 for a recent payment failure, 90 for meetings and a cancellation
 * flag, 180 for a request to cut the contract.
 */
export function accountFacts(
  rollups: readonly DailyRollup[],
  tickets: readonly TicketState[],
  now: Date,
  staleTicketDays = 14,
): AccountFacts {
  const from30 = fromDay(now, 30);
  const from90 = fromDay(now, 90);
  const from180 = fromDay(now, 180);
  let sponsorLeft: string | null = null;
  let sponsorJoined: string | null = null;
  let lastPaid: string | null = null;
  let relationshipDay: DailyRollup | undefined;
  let outcomeDay: DailyRollup | undefined;
  let firstDataDay: string | null = null;
  let held = 0;
  let missed = 0;
  let contractReductionRequested = false;
  let contractReductionAt: string | null = null;
  let paymentFailedRecently = false;
  let renewalRiskFlagged = false;
  let renewalRiskAt: string | null = null;
  let churned = false;
  const failedDays: DailyRollup[] = [];
  for (const r of rollups) {
    if (firstDataDay === null || r.day < firstDataDay) firstDataDay = r.day;
    // A quiet day holds nothing a fact reads but its day.
    if (quietDay(r)) continue;
    const { counts, lastAt } = r;
    sponsorLeft = later(sponsorLeft, lastAt.sponsor_left);
    sponsorJoined = later(sponsorJoined, lastAt.sponsor_joined);
    lastPaid = later(lastPaid, lastAt.payment_succeeded);
    if (r.latestValues.relationship_score !== undefined && (!relationshipDay || r.day > relationshipDay.day))
      relationshipDay = r;
    if (r.outcomes.length > 0) {
      if (!outcomeDay || r.day > outcomeDay.day) outcomeDay = r;
      if (r.outcomes.includes('churned')) churned = true;
    }
    const failed = (counts.payment_failed ?? 0) > 0;
    if (failed) failedDays.push(r);
    if (r.day < from180) continue;
    if ((r.contractReductions ?? 0) > 0) {
      contractReductionRequested = true;
      contractReductionAt = later(contractReductionAt, lastAt.contract_change_requested);
    }
    if (r.day < from90) continue;
    held += counts.meeting_held ?? 0;
    missed += counts.meeting_missed ?? 0;
    if ((counts.renewal_risk ?? 0) > 0) renewalRiskFlagged = true;
    renewalRiskAt = later(renewalRiskAt, lastAt.renewal_risk);
    if (failed && r.day >= from30) paymentFailedRecently = true;
  }
  const open = tickets.filter((t) => t.openedAt && !t.closedAt);
  const urgent = open
    .filter((t) => t.priority === 'urgent')
    .map((t) => t.openedAt ?? '')
    .sort();
  const paymentFailures = failedDays
    .filter((r) => !lastPaid || (r.lastAt.payment_failed ?? '') > lastPaid)
    .map((r) => ({ day: r.day, count: r.counts.payment_failed ?? 0 }))
    .sort((a, b) => compareText(a.day, b.day));
  const sponsorGone = sponsorLeft && (!sponsorJoined || sponsorJoined < sponsorLeft) ? sponsorLeft : null;
  return {
    sponsorLeftAt: sponsorGone,
    daysSinceSponsorLeft: daysSince(sponsorGone, now),
    contractReductionRequested,
    contractReductionAt,
    paymentFailures,
    paymentFailedRecently,
    renewalRiskFlagged,
    renewalRiskAt,
    urgentTicketsOpen: urgent.length > 0,
    oldestUrgentTicketOpenedAt: urgent[0] ?? null,
    ticketsDragging: open.some((t) => (daysSince(t.openedAt ?? null, now) ?? 0) > staleTicketDays),
    meetingsMissed: missed > held,
    relationshipScore: relationshipDay?.latestValues.relationship_score ?? null,
    relationshipScoredOn: relationshipDay?.day ?? null,
    churned,
    firstDataDay,
    renewalOutcome: outcomeDay
      ? {
          outcome: outcomeDay.outcomes.at(-1) ?? '',
          at: outcomeDay.lastAt.renewal_outcome ?? `${outcomeDay.day}T00:00:00.000Z`,
        }
      : null,
  };
}
