import type { HealthSnapshot } from '#core/health/types';
import type { DailyRollup, TicketState } from '#core/rollup';
import type { RenewalContext } from './renewal.ts';
import type { RiskEvidence } from './risks.ts';

const DAY_MS = 86_400_000;

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

function daysSince(at: string | null, now: Date): number | null {
  return at ? Math.floor((now.getTime() - Date.parse(at)) / DAY_MS) : null;
}

function within(rollups: readonly DailyRollup[], now: Date, days: number): DailyRollup[] {
  const from = new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
  return rollups.filter((r) => r.day >= from);
}

/** The facts behind renewal risk and root causes, read from the account's rollups, tickets and health. */
export interface AccountFacts {
  daysSinceSponsorLeft: number | null;
  contractReductionRequested: boolean;
  paymentFailedRecently: boolean;
  renewalRiskFlagged: boolean;
  urgentTicketsOpen: boolean;
  ticketsDragging: boolean;
  meetingsMissed: boolean;
  relationshipScore: number | null;
  churned: boolean;
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
  const relationshipDay = [...rollups]
    .filter((r) => r.latestValues.relationship_score !== undefined)
    .sort((a, b) => (a.day < b.day ? 1 : -1))[0];
  const meetings = recent.reduce(
    (acc, r) => ({
      held: acc.held + (r.counts.meeting_held ?? 0),
      missed: acc.missed + (r.counts.meeting_missed ?? 0),
    }),
    { held: 0, missed: 0 },
  );
  return {
    daysSinceSponsorLeft:
      sponsorLeft && (!sponsorJoined || sponsorJoined < sponsorLeft) ? daysSince(sponsorLeft, now) : null,
    contractReductionRequested: within(rollups, now, 180).some((r) => (r.contractReductions ?? 0) > 0),
    paymentFailedRecently: within(rollups, now, 30).some((r) => (r.counts.payment_failed ?? 0) > 0),
    renewalRiskFlagged: recent.some((r) => (r.counts.renewal_risk ?? 0) > 0),
    urgentTicketsOpen: open.some((t) => t.priority === 'urgent'),
    ticketsDragging: open.some((t) => (daysSince(t.openedAt ?? null, now) ?? 0) > staleTicketDays),
    meetingsMissed: meetings.missed > meetings.held,
    relationshipScore: relationshipDay?.latestValues.relationship_score ?? null,
    churned: rollups.some((r) => r.outcomes.includes('churned')),
  };
}

export function renewalContext(
  facts: AccountFacts,
  health: Pick<HealthSnapshot, 'band' | 'trend' | 'segment'>,
  checkpoint: {
    daysBefore: number;
    openRiskTier: number | null;
    reviewOverdue: boolean;
    reviewBooked: boolean;
  },
): RenewalContext {
  return {
    band: health.band,
    trend30: health.trend.find((t) => t.days === 30)?.change ?? null,
    daysSinceSponsorLeft: facts.daysSinceSponsorLeft,
    contractReductionRequested: facts.contractReductionRequested,
    paymentFailedRecently: facts.paymentFailedRecently,
    renewalRiskFlagged: facts.renewalRiskFlagged,
    relationshipScore: facts.relationshipScore,
    reviewOverdue: checkpoint.reviewOverdue,
    reviewBooked: checkpoint.reviewBooked,
    openRiskTier: checkpoint.openRiskTier,
    daysBefore: checkpoint.daysBefore,
    touch: health.segment.touch,
    program: health.segment.program,
  };
}

export function riskEvidence(facts: AccountFacts, health: Pick<HealthSnapshot, 'components'>): RiskEvidence {
  const component = (id: string) => health.components.find((c) => c.component === id);
  const engagement = component('engagement');
  const outcomes = component('outcomes');
  const low = (c: typeof engagement) => c !== undefined && c.status === 'known' && c.score < 50;
  return {
    usageBelowBaseline: low(engagement),
    milestonesMissed: false,
    ticketsDragging: facts.ticketsDragging,
    urgentTickets: facts.urgentTicketsOpen,
    daysSinceSponsorLeft: facts.daysSinceSponsorLeft,
    meetingsMissed: facts.meetingsMissed,
    relationshipScore: facts.relationshipScore,
    valueBelowTarget: low(outcomes),
    contractReductionRequested: facts.contractReductionRequested,
    paymentFailed: facts.paymentFailedRecently,
  };
}
