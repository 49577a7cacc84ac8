import type { DetectionConfig } from '#config/escalation-schema';
import { DAY_MS, utcDay } from '#core/clock';
import { oldestFirst } from '#core/health/score-trail';
import type { PriorScore } from '#core/health/types';
import type { Band } from '#core/health/vocabulary';
import { type AccountFacts, daysSince } from './evidence.ts';

/**
 * Risk detection (DESIGN decision 10): one pure reading of an account, used by the daily health pass, by the
 * ingest of critical signals and by renewal checkpoints alike. Each trigger says, in words, what it saw.
 */
export const TRIGGER_IDS = [
  'red_streak',
  'steep_fall',
  'sponsor_left',
  'contract_cut',
  'payment_failures',
  'weak_relationship',
  'sponsor_detractor',
  'urgent_ticket',
  'cancellation_set',
  'issue_overdue',
] as const;
export type TriggerId = (typeof TRIGGER_IDS)[number];

export interface Trigger {
  id: TriggerId;
  text: string;
}

export interface DetectionInput {
  segment: string;
  /** The account's go-live date (YYYY-MM-DD): health triggers wait for `minDaysOfData`. */
  goLiveDate: string;
  score: number | null;
  band: Band | 'unknown';
  /** The stored score changes (core/health/score-trail.ts), oldest first or in any order. */
  trail: readonly PriorScore[];
  facts: AccountFacts;
  /** Triggers only the signal that asked for the check can tell (a sponsor's NPS answer). */
  signalTriggers?: readonly Trigger[];
  /** Open health issues (core/issues) with plan steps past due: the latest step of each, and since when it is late. */
  overdueIssues?: readonly {
    summary: string;
    category: string;
    action: string;
    due: string;
    daysLate: number;
  }[];
  /**
   * When the account's last risk was closed, if ever: what was known then was dealt with (a CSM resolved it, or the
   * renewal settled it), so only what happened since counts (a red run, a fall, new events).
   */
  since?: string | null;
  now: Date;
}

/** When the account's current unbroken run of red began (or `from`, if later); null when it is not red now. */
export function redSince(
  trail: readonly PriorScore[],
  band: Band | 'unknown',
  now: Date,
  from?: string | null,
): string | null {
  if (band !== 'red') return null;
  const until = now.toISOString();
  let since: string | null = null;
  for (const entry of oldestFirst(trail)) {
    if (entry.at > until) break;
    if (entry.band === 'red') since ??= entry.at;
    else since = null;
  }
  const began = since ?? now.toISOString();
  return from && from > began ? from : began;
}

/** Calendar days (UTC) the account has been red on, today included; 0 when it is not red. */
export function redDays(
  trail: readonly PriorScore[],
  band: Band | 'unknown',
  now: Date,
  from?: string | null,
): number {
  const since = redSince(trail, band, now, from);
  if (!since) return 0;
  return Math.round((Date.parse(utcDay(now)) - Date.parse(utcDay(since))) / DAY_MS) + 1;
}

/** The score in force `days` before now, or at `from` if that is later (the latest trail entry at or before it). */
function scoreDaysAgo(
  trail: readonly PriorScore[],
  now: Date,
  days: number,
  from?: string | null,
): number | null {
  const window = new Date(now.getTime() - days * DAY_MS).toISOString();
  const then = from && from > window ? from : window;
  const held = oldestFirst(trail).findLast((e) => e.at <= then);
  return held?.score ?? null;
}

/** "today", "yesterday", "12 days ago". */
export function ago(days: number): string {
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

export function redForDaysOf(policy: DetectionConfig, segment: string): number {
  return policy.redForDaysBySegment[segment] ?? policy.redForDays;
}

/** Whether an event happened after the last risk closed (always, when none ever did). */
const after = (at: string | null, since: string | null | undefined) => at !== null && (!since || at > since);

export function detectRisk(policy: DetectionConfig, input: DetectionInput): Trigger[] {
  const { facts, now, since } = input;
  if (facts.churned) return [];
  const triggers: Trigger[] = [];
  const dataFrom = [input.goLiveDate, facts.firstDataDay ?? utcDay(now)].sort().at(-1) ?? utcDay(now);
  const daysOfData = (Date.parse(utcDay(now)) - Date.parse(dataFrom)) / DAY_MS;
  const scoreSaysEnough = daysOfData >= policy.minDaysOfData;
  const red = redDays(input.trail, input.band, now, since);
  const needed = redForDaysOf(policy, input.segment);
  if (scoreSaysEnough && red >= needed) {
    triggers.push({ id: 'red_streak', text: `health has been red for ${red} days` });
  }
  if (scoreSaysEnough && policy.steepFall && input.score !== null) {
    const before = scoreDaysAgo(input.trail, now, policy.steepFall.days, since);
    if (before !== null && before - input.score >= policy.steepFall.points) {
      triggers.push({
        id: 'steep_fall',
        text: `health fell ${Math.round(before - input.score)} points in ${policy.steepFall.days} days (${Math.round(before)} to ${Math.round(input.score)})`,
      });
    }
  }
  if (policy.sponsorLeft && after(facts.sponsorLeftAt, since)) {
    triggers.push({
      id: 'sponsor_left',
      text: `the sponsor left ${ago(facts.daysSinceSponsorLeft ?? 0)} and nobody has taken over`,
    });
  }
  if (policy.contractCut && facts.contractReductionRequested && after(facts.contractReductionAt, since)) {
    triggers.push({ id: 'contract_cut', text: 'the customer asked to cut the contract value' });
  }
  if (policy.paymentFailures) {
    const from = utcDay(new Date(now.getTime() - (policy.paymentFailures.withinDays - 1) * DAY_MS));
    const failures = facts.paymentFailures
      .filter((f) => f.day >= from && after(`${f.day}T23:59:59.999Z`, since))
      .reduce((sum, f) => sum + f.count, 0);
    if (failures >= policy.paymentFailures.count) {
      triggers.push({
        id: 'payment_failures',
        text: `${failures} payment failures in ${policy.paymentFailures.withinDays} days, none paid since`,
      });
    }
  }
  if (
    policy.weakRelationshipAtOrBelow !== null &&
    facts.relationshipScore !== null &&
    facts.relationshipScore <= policy.weakRelationshipAtOrBelow &&
    after(facts.relationshipScoredOn && `${facts.relationshipScoredOn}T23:59:59.999Z`, since)
  ) {
    triggers.push({
      id: 'weak_relationship',
      text: `the customer rates the relationship ${facts.relationshipScore}/10`,
    });
  }
  if (policy.urgentTicketOpenDays !== null && after(facts.oldestUrgentTicketOpenedAt, since)) {
    const open = daysSince(facts.oldestUrgentTicketOpenedAt ?? null, now) ?? 0;
    if (open > policy.urgentTicketOpenDays) {
      triggers.push({ id: 'urgent_ticket', text: `an urgent ticket has been open for ${open} days` });
    }
  }
  if (policy.issueOverdueDays !== null) {
    const late = (input.overdueIssues ?? []).filter(
      (issue) => issue.daysLate > policy.issueOverdueDays! && after(`${issue.due}T23:59:59.999Z`, since),
    );
    const worst = late.sort((a, b) => b.daysLate - a.daysLate)[0];
    if (worst) {
      triggers.push({
        id: 'issue_overdue',
        text: `the plan of the ${worst.category} issue "${worst.summary}" is ${worst.daysLate} days behind ("${worst.action}" was due ${worst.due})`,
      });
    }
  }
  if (facts.renewalRiskFlagged && after(facts.renewalRiskAt, since)) {
    triggers.push({ id: 'cancellation_set', text: 'cancellation at the end of the period is set' });
  }
  for (const trigger of input.signalTriggers ?? []) {
    if (!triggers.some((t) => t.id === trigger.id)) triggers.push(trigger);
  }
  return triggers;
}

/** Whether a sponsor's NPS answer is a detractor score under the policy. */
export function sponsorDetractor(policy: DetectionConfig, score: number, who: string): Trigger | null {
  return policy.sponsorDetractorAtOrBelow !== null && score <= policy.sponsorDetractorAtOrBelow
    ? { id: 'sponsor_detractor', text: `the sponsor ${who} answered NPS ${score}/10` }
    : null;
}
