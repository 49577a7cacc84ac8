import type { Band } from '#core/health/vocabulary';
import type { Timer } from './timers.ts';

/** Days before the renewal date at which the countdown re-checks the account (default T-180 ... T-0). */
export const DEFAULT_CHECKPOINT_DAYS = [180, 120, 90, 60, 30, 7, 0] as const;

const DAY_MS = 86_400_000;

/** Checkpoint timers still ahead of `now`, at 09:00 UTC of each checkpoint day (a working-hours start). */
export function renewalCheckpointTimers(
  accountId: string,
  renewalDate: string,
  checkpointDays: readonly number[],
  now: Date,
): Timer[] {
  const renewal = Date.parse(`${renewalDate}T09:00:00Z`);
  return checkpointDays
    .map((days) => ({ days, due: new Date(renewal - days * DAY_MS) }))
    .filter(({ due }) => due.getTime() > now.getTime())
    .map(({ days, due }) => ({
      kind: 'renewal_checkpoint' as const,
      accountId,
      ref: `T-${days}`,
      dueAt: due.toISOString(),
      payload: { daysBefore: days, renewalDate },
    }));
}

/** A relationship scorecard at or below this is a weak relationship (the `relationship_weak` root cause). */
export const WEAK_RELATIONSHIP_SCORE = 5;
/** Below this a scorecard is worth a look: the healthy default in config/default.ts is 7. */
export const HEALTHY_RELATIONSHIP_SCORE = 7;

export interface RenewalContext {
  band: Band | 'unknown';
  /** Score change over the last 30 days, when known. */
  trend30: number | null;
  daysSinceSponsorLeft: number | null;
  contractReductionRequested: boolean;
  paymentFailedRecently: boolean;
  renewalRiskFlagged: boolean;
  /** The latest relationship scorecard (0-10) in the lookback, when the customer reports one. */
  relationshipScore: number | null;
  reviewOverdue: boolean;
  /** A review for this renewal is already scheduled or was held: one review per renewal, not one per checkpoint. */
  reviewBooked: boolean;
  openRiskTier: number | null;
  daysBefore: number;
  touch: 'high' | 'low' | 'tech';
  program: 'strategic' | 'core' | 'transactional';
}

export type RenewalRiskLevel = 'high' | 'medium' | 'low';

export interface RenewalAssessment {
  level: RenewalRiskLevel;
  reasons: string[];
}

/** The renewal-risk reading a CSM would make of the account at a checkpoint, with the reasons spelled out. */
export function assessRenewalRisk(context: RenewalContext): RenewalAssessment {
  const high: string[] = [];
  const medium: string[] = [];
  if (context.band === 'red') high.push('health is red');
  if (context.band === 'yellow') medium.push('health is yellow');
  if (context.trend30 !== null && context.trend30 <= -15)
    high.push(`health fell ${-context.trend30} points in 30 days`);
  else if (context.trend30 !== null && context.trend30 <= -7)
    medium.push(`health fell ${-context.trend30} points in 30 days`);
  if (context.daysSinceSponsorLeft !== null && context.daysSinceSponsorLeft <= 120) {
    high.push(`sponsor left ${context.daysSinceSponsorLeft} days ago`);
  }
  if (context.contractReductionRequested) high.push('the customer asked to cut the contract value');
  if (context.renewalRiskFlagged) high.push('cancellation at period end is set');
  // Seed 001: service levels met and usage steady, yet the customer rates the relationship 4/10. The scorecard
  // is the customer's own verdict; a low one is a renewal risk whatever the product data says.
  if (context.relationshipScore !== null && context.relationshipScore <= WEAK_RELATIONSHIP_SCORE) {
    high.push(`the customer rates the relationship ${context.relationshipScore}/10`);
  } else if (context.relationshipScore !== null && context.relationshipScore < HEALTHY_RELATIONSHIP_SCORE) {
    medium.push(`the customer rates the relationship ${context.relationshipScore}/10`);
  }
  if (context.paymentFailedRecently) medium.push('a payment failed recently');
  if (context.reviewOverdue) medium.push('the business review is overdue');
  if (high.length > 0) return { level: 'high', reasons: [...high, ...medium] };
  if (medium.length > 0) return { level: 'medium', reasons: medium };
  return { level: 'low', reasons: ['healthy, nothing pointing at risk'] };
}

export type RenewalAction = 'escalate' | 'schedule_review' | 'send_value_message' | 'on_track';

export interface RenewalDecision {
  actions: RenewalAction[];
  assessment: RenewalAssessment;
  /** The review a high-touch account gets ahead of renewal: the Annual Customer Review for Core customers. */
  reviewKind: 'ebr' | 'annual_customer_review' | null;
}

/**
 * What the countdown does at one checkpoint: high risk escalates (or raises an open escalation); high-touch
 * accounts get their renewal review scheduled around T-90; low/tech-touch accounts get the renewal-value message
 * at T-60 and T-30 unless they are at high risk (a value message to an angry customer backfires).
 */
export function decideRenewalAction(context: RenewalContext): RenewalDecision {
  const assessment = assessRenewalRisk(context);
  const actions: RenewalAction[] = [];
  if (assessment.level === 'high') actions.push('escalate');
  const highTouch = context.touch === 'high';
  const reviewWindow = context.daysBefore <= 120 && context.daysBefore >= 60;
  let reviewKind: RenewalDecision['reviewKind'] = null;
  if (
    highTouch &&
    reviewWindow &&
    !context.reviewBooked &&
    (context.daysBefore === 90 || context.reviewOverdue || assessment.level !== 'low')
  ) {
    actions.push('schedule_review');
    reviewKind = context.program === 'core' ? 'annual_customer_review' : 'ebr';
  }
  if (!highTouch && (context.daysBefore === 60 || context.daysBefore === 30) && assessment.level !== 'high') {
    actions.push('send_value_message');
  }
  if (actions.length === 0) actions.push('on_track');
  return { actions, assessment, reviewKind };
}
