import { DAY_MS } from '#core/clock';
import type { DailyRollup, TicketState } from '#core/rollup';
import { compareText } from '#core/text';

function latest(
  rollups: readonly DailyRollup[],
  pick: (r: DailyRollup) => string | undefined,
): string | null {
  let best: string | null = null;
  for (const rollup of rollups) {
    const at = pick(rollup);
    if (at && (!best || at > best)) best = at;
  }
  return best;
}

/** The rollup of the latest day that has something (a rollup a day, so no two share a day). */
function latestDayWith(
  rollups: readonly DailyRollup[],
  has: (r: DailyRollup) => boolean,
): DailyRollup | undefined {
  let found: DailyRollup | undefined;
  for (const rollup of rollups) if (has(rollup) && (!found || rollup.day > found.day)) found = rollup;
  return found;
}

export function daysSince(at: string | null, now: Date): number | null {
  return at ? Math.floor((now.getTime() - Date.parse(at)) / DAY_MS) : null;
}

function within(rollups: readonly DailyRollup[], now: Date, days: number): DailyRollup[] {
  const from = new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
  return rollups.filter((r) => r.day >= from);
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

export function accountFacts(
  rollups: readonly DailyRollup[],
  tickets: readonly TicketState[],
  now: Date,
  staleTicketDays = 14,
): AccountFacts {
  const recent = within(rollups, now, 90);
  const sponsorLeft = latest(rollups, (r) => r.lastAt.sponsor_left);
  const sponsorJoined = latest(rollups, (r) => r.lastAt.sponsor_joined);
  const open = tickets.filter((t) => t.openedAt && !t.closedAt);
  const urgent = open
    .filter((t) => t.priority === 'urgent')
    .map((t) => t.openedAt ?? '')
    .sort();
  const relationshipDay = latestDayWith(rollups, (r) => r.latestValues.relationship_score !== undefined);
  const meetings = recent.reduce(
    (acc, r) => ({
      held: acc.held + (r.counts.meeting_held ?? 0),
      missed: acc.missed + (r.counts.meeting_missed ?? 0),
    }),
    { held: 0, missed: 0 },
  );
  const lastPaid = latest(rollups, (r) => r.lastAt.payment_succeeded);
  const paymentFailures = rollups
    .filter((r) => (r.counts.payment_failed ?? 0) > 0)
    .filter((r) => !lastPaid || (r.lastAt.payment_failed ?? '') > lastPaid)
    .map((r) => ({ day: r.day, count: r.counts.payment_failed ?? 0 }))
    .sort((a, b) => compareText(a.day, b.day));
  const outcomeDay = latestDayWith(rollups, (r) => r.outcomes.length > 0);
  const sponsorGone = sponsorLeft && (!sponsorJoined || sponsorJoined < sponsorLeft) ? sponsorLeft : null;
  return {
    sponsorLeftAt: sponsorGone,
    daysSinceSponsorLeft: daysSince(sponsorGone, now),
    contractReductionRequested: within(rollups, now, 180).some((r) => (r.contractReductions ?? 0) > 0),
    contractReductionAt: latest(
      within(rollups, now, 180).filter((r) => (r.contractReductions ?? 0) > 0),
      (r) => r.lastAt.contract_change_requested,
    ),
    paymentFailures,
    paymentFailedRecently: within(rollups, now, 30).some((r) => (r.counts.payment_failed ?? 0) > 0),
    renewalRiskFlagged: recent.some((r) => (r.counts.renewal_risk ?? 0) > 0),
    renewalRiskAt: latest(recent, (r) => r.lastAt.renewal_risk),
    urgentTicketsOpen: urgent.length > 0,
    oldestUrgentTicketOpenedAt: urgent[0] ?? null,
    ticketsDragging: open.some((t) => (daysSince(t.openedAt ?? null, now) ?? 0) > staleTicketDays),
    meetingsMissed: meetings.missed > meetings.held,
    relationshipScore: relationshipDay?.latestValues.relationship_score ?? null,
    relationshipScoredOn: relationshipDay?.day ?? null,
    churned: rollups.some((r) => r.outcomes.includes('churned')),
    firstDataDay: rollups.reduce<string | null>(
      (first, r) => (first === null || r.day < first ? r.day : first),
      null,
    ),
    renewalOutcome: outcomeDay
      ? {
          outcome: outcomeDay.outcomes.at(-1) ?? '',
          at: outcomeDay.lastAt.renewal_outcome ?? `${outcomeDay.day}T00:00:00.000Z`,
        }
      : null,
  };
}
