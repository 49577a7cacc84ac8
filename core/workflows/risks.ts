import type { Touch } from '#core/health/vocabulary';
import { WEAK_RELATIONSHIP_SCORE } from './renewal.ts';

/**
 * The Red Account Process (seed 002): one primary root cause from a list grouped by area, an optional secondary,
 * three tiers (note it, bring in the manager, the region's weekly cross-functional review), an acknowledgement
 * deadline per tier, and a strategy by whose effort the fix needs: Rescue (ours), Recover (shared), Farewell
 * (the customer's, or nobody's).
 */
export const ROOT_CAUSE_GROUPS = ['adoption', 'product', 'relationship', 'outcome', 'commercial'] as const;
export type RootCauseGroup = (typeof ROOT_CAUSE_GROUPS)[number];

export interface RootCause {
  id: string;
  group: RootCauseGroup;
  label: string;
  /** Whose effort the fix needs. */
  effort: 'ours' | 'shared' | 'customer';
}

export const DEFAULT_ROOT_CAUSES: readonly RootCause[] = [
  {
    id: 'low_adoption',
    group: 'adoption',
    label: 'Low adoption: usage well below the segment baseline',
    effort: 'shared',
  },
  {
    id: 'onboarding_stalled',
    group: 'adoption',
    label: 'Onboarding stalled: milestones missed',
    effort: 'shared',
  },
  { id: 'product_gaps', group: 'product', label: 'Product gaps or defects', effort: 'ours' },
  { id: 'support_issues', group: 'product', label: 'Support issues dragging on', effort: 'ours' },
  { id: 'sponsor_change', group: 'relationship', label: 'Sponsor left or changed', effort: 'shared' },
  {
    id: 'relationship_weak',
    group: 'relationship',
    label: 'Weak relationship: meetings missed, low scorecard',
    effort: 'shared',
  },
  {
    id: 'value_not_realised',
    group: 'outcome',
    label: 'Value not realised against the business case',
    effort: 'shared',
  },
  {
    id: 'business_change',
    group: 'outcome',
    label: 'Customer business change (cost cutting, M&A)',
    effort: 'customer',
  },
  {
    id: 'price_pressure',
    group: 'commercial',
    label: 'Price pressure: asked to cut the contract value',
    effort: 'customer',
  },
  { id: 'payment_problems', group: 'commercial', label: 'Payment problems', effort: 'customer' },
];

export type Strategy = 'rescue' | 'recover' | 'farewell';

export interface RiskEvidence {
  usageBelowBaseline: boolean;
  milestonesMissed: boolean;
  ticketsDragging: boolean;
  urgentTickets: boolean;
  daysSinceSponsorLeft: number | null;
  meetingsMissed: boolean;
  relationshipScore: number | null;
  valueBelowTarget: boolean;
  contractReductionRequested: boolean;
  paymentFailed: boolean;
}

/** Ordered strongest first: the first match is the primary root cause, the second the secondary. */
const CAUSE_RULES: readonly [string, (e: RiskEvidence) => boolean][] = [
  ['price_pressure', (e) => e.contractReductionRequested],
  ['sponsor_change', (e) => e.daysSinceSponsorLeft !== null && e.daysSinceSponsorLeft <= 120],
  ['support_issues', (e) => e.urgentTickets || e.ticketsDragging],
  [
    'relationship_weak',
    (e) =>
      e.meetingsMissed || (e.relationshipScore !== null && e.relationshipScore <= WEAK_RELATIONSHIP_SCORE),
  ],
  ['onboarding_stalled', (e) => e.milestonesMissed],
  ['low_adoption', (e) => e.usageBelowBaseline],
  ['value_not_realised', (e) => e.valueBelowTarget],
  ['payment_problems', (e) => e.paymentFailed],
];

export function deriveRootCauses(evidence: RiskEvidence): { primary: string; secondary: string | null } {
  const matched = CAUSE_RULES.filter(([, rule]) => rule(evidence)).map(([id]) => id);
  return { primary: matched[0] ?? 'low_adoption', secondary: matched[1] ?? null };
}

/** Rescue when the fix is ours, Recover when it needs both sides, Farewell when it rests with the customer. */
export function chooseStrategy(
  primary: string,
  causes: readonly RootCause[] = DEFAULT_ROOT_CAUSES,
): Strategy {
  const effort = causes.find((c) => c.id === primary)?.effort ?? 'shared';
  return effort === 'ours' ? 'rescue' : effort === 'shared' ? 'recover' : 'farewell';
}

export interface EscalationPolicy {
  /** Days to acknowledge at each tier before the next tier is raised. */
  ackDays: { 1: number; 2: number };
  /** A risk closes when health stays above this score for `closeAfterDays`. */
  closeAboveScore: number;
  closeAfterDays: number;
}

export const DEFAULT_ESCALATION: EscalationPolicy = {
  ackDays: { 1: 7, 2: 7 },
  closeAboveScore: 60,
  closeAfterDays: 14,
};

export interface RiskState {
  tier: 1 | 2 | 3;
  acknowledgedAt: string | null;
  scoreAtTier: number | null;
}

export type DeadlineOutcome =
  | { action: 'raise'; toTier: 2 | 3; why: string }
  | { action: 'hold'; why: string };

/**
 * The highest tier a risk reaches, by the account's coverage model. Seed 002: a tech-touch account has no CSM of
 * its own for a manager to back up and no place at the cross-functional meeting ("I can't have a person reaching
 * out to each"); its risk is noted at tier 1, for the pooled CS team and the digital plays, and raised no further.
 */
export const MAX_TIER_BY_TOUCH: Record<Touch, 1 | 2 | 3> = { high: 3, low: 3, tech: 1 };

export interface DeadlineOptions {
  /** Points health must gain after an acknowledgement to hold the tier (default 5). */
  improvementPoints?: number;
  /** The account's coverage model; without it every tier is open to the risk. */
  touch?: Touch;
}

/**
 * At a tier's deadline: no acknowledgement, or no improvement since the tier was set, raises the next tier.
 * Tier 3 is the region's weekly cross-functional review and has no further deadline; a tech-touch account's risk
 * stays at tier 1 (MAX_TIER_BY_TOUCH).
 */
export function atDeadline(
  risk: RiskState,
  currentScore: number | null,
  options: DeadlineOptions = {},
): DeadlineOutcome {
  const improvementPoints = options.improvementPoints ?? 5;
  if (risk.tier === 3) return { action: 'hold', why: 'already on the regional weekly review' };
  if (options.touch && risk.tier >= MAX_TIER_BY_TOUCH[options.touch]) {
    return {
      action: 'hold',
      why: `a ${options.touch}-touch account stays at tier ${risk.tier}: noted for the pooled CS team, no manager or cross-functional escalation`,
    };
  }
  const next = (risk.tier + 1) as 2 | 3;
  if (!risk.acknowledgedAt)
    return { action: 'raise', toTier: next, why: `tier ${risk.tier} was not acknowledged by its deadline` };
  const improved =
    currentScore !== null &&
    risk.scoreAtTier !== null &&
    currentScore >= risk.scoreAtTier + improvementPoints;
  if (!improved)
    return {
      action: 'raise',
      toTier: next,
      why: `acknowledged, but health has not improved by ${improvementPoints} points`,
    };
  return { action: 'hold', why: 'acknowledged and improving' };
}
