import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { higherIsBetterOn } from '#core/health/deviation';
import type { JourneyStanding } from '#core/health/journey-class';
import type { HealthSnapshot, PriorScore } from '#core/health/types';
import type { Touch } from '#core/health/vocabulary';
import type { HealthIssue } from '#core/issues/issue';
import { latestOverdue } from '#core/issues/overdue';
import type { Recipient } from '#core/journeys/messages';
import { detectRisk, type Trigger } from './detect.ts';
import type { AccountFacts } from './evidence.ts';
import { type ReviewRecord, reviewOverdue } from './review-record.ts';
import type { RiskRecord } from './risk-record.ts';
import type { RiskEvidence } from './risks.ts';

/**
 * What every workflow decision reads about one account: the profile, the stored health (the same score the API
 * shows, scored with history against the learnt baselines), the facts from rollups and tickets, the open risk and
 * the reviews. Loaded by usecases/account-view.ts.
 */
export interface AccountView {
  account: AccountInput;
  health: HealthSnapshot;
  /** Score changes, for red streaks, falls and recoveries. */
  trail: readonly PriorScore[];
  journey: JourneyStanding | null;
  facts: AccountFacts;
  openRisk: RiskRecord | null;
  /** When the account's last risk closed, if ever: detection counts only what happened since. */
  lastClosedAt: string | null;
  reviews: readonly ReviewRecord[];
  /** The account's health issues (seed 000); an open one whose plan is well past due is a risk trigger. */
  issues?: readonly HealthIssue[];
  now: Date;
}

/** The open risk and when the last closed one closed, from an account's risks. */
export function riskStanding(risks: readonly RiskRecord[]) {
  const closed = risks.flatMap((r) => (r.closedAt ? [r.closedAt] : [])).sort();
  return { openRisk: risks.find((r) => r.status === 'open') ?? null, lastClosedAt: closed.at(-1) ?? null };
}

export type InternalRecipient = Recipient & { role: 'csm' | 'manager' | 'queue' };

const internal = (
  id: InternalRecipient['role'],
  person: { name: string; email: string },
): InternalRecipient => ({ id, role: id, name: person.name, email: person.email, timezone: 'UTC' });

/** The account's CSM; for a tech-touch account the pooled CS queue when one is configured (it has no CSM of its own). */
export function csmOf(
  view: { account: Pick<AccountInput, 'csm'>; health: { segment: { touch: Touch } } },
  config: Config,
): InternalRecipient {
  const queue = config.escalation.techTouch.queue;
  if (view.health.segment.touch === 'tech' && queue) return internal('queue', queue);
  return internal('csm', view.account.csm);
}

export function managerOf(view: Pick<AccountView, 'account'>): InternalRecipient | null {
  return view.account.manager ? internal('manager', view.account.manager) : null;
}

export function triggersOf(
  config: Config,
  view: AccountView,
  signalTriggers: readonly Trigger[] = [],
): Trigger[] {
  return detectRisk(config.escalation.detection, {
    segment: view.health.segment.segment,
    goLiveDate: view.account.goLiveDate,
    score: view.health.score,
    band: view.health.band,
    trail: view.trail,
    facts: view.facts,
    signalTriggers,
    overdueIssues: (view.issues ?? []).flatMap((issue) => latestOverdue(issue, view.now) ?? []),
    since: view.lastClosedAt,
    now: view.now,
  });
}

/**
 * The evidence behind the root causes, from health components, the journey and the facts. Missed milestones count
 * only for an account whose onboarding the data can show (live no longer than the health lookback): an account
 * live for years did not "miss" milestones its data predates.
 */
export function riskEvidence(view: AccountView, config: Config): RiskEvidence {
  const lookbackDays = config.health.lookbackDays;
  const component = (id: string) => view.health.components.find((c) => c.component === id);
  const below = (id: string, line: number) => {
    const c = component(id);
    return c !== undefined && c.status === 'known' && c.score < line;
  };
  return {
    // Usage under half the healthy baseline, whatever score the model's scale gives half of it.
    usageBelowBaseline: below('engagement', higherIsBetterOn(config.health.measures?.scale, 0.5, 1)),
    milestonesMissed:
      view.journey !== null &&
      view.journey.daysLive <= lookbackDays &&
      view.journey.milestones.some((m) => m.status === 'missed'),
    ticketsDragging: view.facts.ticketsDragging,
    urgentTickets: view.facts.urgentTicketsOpen,
    sponsorLeft: view.facts.sponsorLeftAt !== null,
    // A review missed or long past with no outcome counts as a missed meeting (a relationship cause).
    meetingsMissed: view.facts.meetingsMissed || reviewOverdue(view.reviews, view.now),
    relationshipScore: view.facts.relationshipScore,
    valueBelowTarget: below('outcomes', 50),
    contractReductionRequested: view.facts.contractReductionRequested,
    paymentFailed: view.facts.paymentFailures.length > 0,
  };
}
