import { type RiskRecord, riskIdFor } from '#core/workflows/risk-record';

/** An open risk of `accountId` opened at `openedAt`, as detection would store it; `changes` sets the rest. */
export function openRiskRecord(
  accountId: string,
  openedAt: string,
  changes: Partial<RiskRecord> = {},
): RiskRecord {
  return {
    riskId: riskIdFor(accountId, openedAt),
    accountId,
    region: 'EMEA',
    arr: 48_000,
    currency: 'EUR',
    status: 'open',
    tier: 1,
    openedAt,
    primaryCause: 'low_adoption',
    secondaryCause: null,
    strategy: 'rescue',
    reasons: ['red 3 days running'],
    triggers: ['red_streak'],
    ackDeadline: null,
    acknowledgedAt: null,
    ackNote: null,
    acknowledgedBy: null,
    scoreAtTier: null,
    closedAt: null,
    closeReason: null,
    causeOverriddenBy: null,
    ...changes,
  };
}
