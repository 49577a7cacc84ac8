import type { EscalationConfig } from '#config/escalation-schema';
import type { Touch } from '#core/health/vocabulary';
import type { RootCauseId, Strategy } from './root-causes.ts';

/**
 * The Red Account Process (seed 002): root causes from the evidence, a strategy by whose effort the fix needs,
 * three tiers (note it, bring in the manager, the region's weekly cross-functional review) with an acknowledgement
 * deadline per tier, and a close rule.
 */
export interface RiskEvidence {
  usageBelowBaseline: boolean;
  milestonesMissed: boolean;
  ticketsDragging: boolean;
  urgentTickets: boolean;
  sponsorLeft: boolean;
  meetingsMissed: boolean;
  relationshipScore: number | null;
  valueBelowTarget: boolean;
  contractReductionRequested: boolean;
  paymentFailed: boolean;
}

/** Ordered strongest first: the first match is the primary root cause, the second the secondary. */
const CAUSE_RULES: readonly [RootCauseId, (e: RiskEvidence, weakAtOrBelow: number) => boolean][] = [
  ['price_pressure', (e) => e.contractReductionRequested],
  ['sponsor_change', (e) => e.sponsorLeft],
  ['support_issues', (e) => e.urgentTickets || e.ticketsDragging],
  [
    'relationship_weak',
    (e, weak) => e.meetingsMissed || (e.relationshipScore !== null && e.relationshipScore <= weak),
  ],
  ['onboarding_stalled', (e) => e.milestonesMissed],
  ['low_adoption', (e) => e.usageBelowBaseline],
  ['value_not_realised', (e) => e.valueBelowTarget],
  ['payment_problems', (e) => e.paymentFailed],
];

/** A scorecard at or below this is a weak relationship when detection does not set its own threshold. */
const WEAK_RELATIONSHIP_FALLBACK = 5;

export function deriveRootCauses(
  evidence: RiskEvidence,
  weakRelationshipAtOrBelow: number | null = WEAK_RELATIONSHIP_FALLBACK,
): { primary: RootCauseId; secondary: RootCauseId | null } {
  const weak = weakRelationshipAtOrBelow ?? WEAK_RELATIONSHIP_FALLBACK;
  const matched = CAUSE_RULES.filter(([, rule]) => rule(evidence, weak)).map(([id]) => id);
  return { primary: matched[0] ?? 'low_adoption', secondary: matched[1] ?? null };
}

export function strategyFor(
  cause: RootCauseId,
  escalation: Pick<EscalationConfig, 'strategyByCause'>,
): Strategy {
  return escalation.strategyByCause[cause];
}

export interface RiskState {
  tier: 1 | 2 | 3;
  acknowledgedAt: string | null;
  scoreAtTier: number | null;
}

export type DeadlineOutcome =
  | { action: 'raise'; toTier: 2 | 3; why: string }
  | { action: 'hold'; why: string };

/**
 * At a tier's deadline: no acknowledgement, or no improvement since the tier was set, raises the next tier.
 * Tier 3 is the region's weekly cross-functional review and has no further deadline. Seed 002: a tech-touch
 * account has no CSM of its own for a manager to back up and no place at the cross-functional meeting ("I can't
 * have a person reaching out to each"): its risk stays at the tier `maxTier` allows it (1 by default).
 */
export function atDeadline(
  risk: RiskState,
  currentScore: number | null,
  policy: Pick<EscalationConfig, 'improvementPoints' | 'maxTier'>,
  touch: Touch,
): DeadlineOutcome {
  if (risk.tier === 3) return { action: 'hold', why: 'already on the regional weekly review' };
  const maxTier = policy.maxTier[touch];
  if (risk.tier >= maxTier) {
    return {
      action: 'hold',
      why: `a ${touch}-touch account stays at tier ${risk.tier}: noted for the pooled CS team, no manager or cross-functional escalation`,
    };
  }
  const next = (risk.tier + 1) as 2 | 3;
  if (!risk.acknowledgedAt)
    return { action: 'raise', toTier: next, why: `tier ${risk.tier} was not acknowledged by its deadline` };
  const improved =
    currentScore !== null &&
    risk.scoreAtTier !== null &&
    currentScore >= risk.scoreAtTier + policy.improvementPoints;
  if (!improved)
    return {
      action: 'raise',
      toTier: next,
      why: `acknowledged, but health has not improved by ${policy.improvementPoints} points`,
    };
  return { action: 'hold', why: 'acknowledged and improving' };
}
