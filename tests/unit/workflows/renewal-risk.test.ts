import { describe, expect, it } from 'vitest';
import { decideRenewalAction, type RenewalContext } from '#core/workflows/renewal';
import { atDeadline, chooseStrategy, deriveRootCauses, type RiskEvidence } from '#core/workflows/risks';

const calm: RenewalContext = {
  band: 'green',
  trend30: 0,
  daysSinceSponsorLeft: null,
  contractReductionRequested: false,
  paymentFailedRecently: false,
  renewalRiskFlagged: false,
  relationshipScore: null,
  reviewOverdue: false,
  reviewBooked: false,
  openRiskTier: null,
  daysBefore: 120,
  touch: 'high',
  program: 'strategic',
};

const noEvidence: RiskEvidence = {
  usageBelowBaseline: false,
  milestonesMissed: false,
  ticketsDragging: false,
  urgentTickets: false,
  daysSinceSponsorLeft: null,
  meetingsMissed: false,
  relationshipScore: null,
  valueBelowTarget: false,
  contractReductionRequested: false,
  paymentFailed: false,
};

describe('renewal risk from the relationship scorecard (seed 001)', () => {
  it('escalates a green account whose customer rates the relationship 4/10', () => {
    // Prepare: service levels met, health green, but the customer's own scorecard reads 4/10.
    const context = { ...calm, relationshipScore: 4 };
    // Act
    const decision = decideRenewalAction(context);
    // Assess
    expect(decision.assessment.level).toBe('high');
    expect(decision.assessment.reasons).toContain('the customer rates the relationship 4/10');
    expect(decision.actions).toContain('escalate');
  });

  it('finds the weak relationship as the root cause, a shared fix (Recover)', () => {
    const causes = deriveRootCauses({ ...noEvidence, relationshipScore: 4 });
    expect(causes.primary).toBe('relationship_weak');
    expect(chooseStrategy(causes.primary)).toBe('recover');
  });

  it('reads a middling scorecard as medium risk and a good one as no risk', () => {
    expect(decideRenewalAction({ ...calm, relationshipScore: 6 }).assessment).toMatchObject({
      level: 'medium',
      reasons: ['the customer rates the relationship 6/10'],
    });
    expect(decideRenewalAction({ ...calm, relationshipScore: 8 }).assessment.level).toBe('low');
    expect(decideRenewalAction(calm).assessment.level).toBe('low');
  });
});

describe('escalation tiers by coverage model (seed 002)', () => {
  const unacknowledged = { tier: 1 as const, acknowledgedAt: null, scoreAtTier: 70 };

  it('keeps a tech-touch risk at tier 1: no manager, no cross-functional review', () => {
    const outcome = atDeadline(unacknowledged, 70, { touch: 'tech' });
    expect(outcome.action).toBe('hold');
    expect(outcome.why).toContain('tech-touch account stays at tier 1');
  });

  it('still raises an unacknowledged risk of a high- or low-touch account', () => {
    expect(atDeadline(unacknowledged, 70, { touch: 'high' })).toMatchObject({ action: 'raise', toTier: 2 });
    expect(atDeadline({ ...unacknowledged, tier: 2 }, 70, { touch: 'low' })).toMatchObject({
      action: 'raise',
      toTier: 3,
    });
    expect(atDeadline(unacknowledged, 70)).toMatchObject({ action: 'raise', toTier: 2 });
  });

  it('holds an acknowledged risk whose health improved by the configured points', () => {
    const acknowledged = { ...unacknowledged, acknowledgedAt: '2026-04-03T10:00:00Z' };
    expect(atDeadline(acknowledged, 76).action).toBe('hold');
    expect(atDeadline(acknowledged, 76, { improvementPoints: 10 }).action).toBe('raise');
  });
});

describe('one review per renewal', () => {
  it('schedules the renewal review once, not again at every later checkpoint of a risky renewal', () => {
    // Prepare: a high-touch renewal at medium risk, seen at T-120 and again at T-90 and T-60.
    const risky = { ...calm, relationshipScore: 6 };
    // Act
    const first = decideRenewalAction({ ...risky, daysBefore: 120 });
    const later = [90, 60].map((daysBefore) =>
      decideRenewalAction({ ...risky, daysBefore, reviewBooked: true }),
    );
    // Assess
    expect(first.reviewKind).not.toBeNull();
    for (const decision of later) {
      expect(decision.reviewKind).toBeNull();
      expect(decision.actions).not.toContain('schedule_review');
    }
  });
});
