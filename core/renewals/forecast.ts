import type { Band } from '#core/health/vocabulary';
import type { TriggerId } from '#core/workflows/detect';

export const FORECAST_CATEGORIES = ['commit', 'best_case', 'at_risk', 'overdue'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

/** Risk triggers that speak of the renewal itself: the customer asked to cut it, cancel it, or stopped paying. */
export const RENEWAL_TRIGGERS: readonly TriggerId[] = [
  'cancellation_set',
  'contract_cut',
  'payment_failures',
];

export interface ForecastInput {
  daysToRenewal: number;
  band: Band | 'unknown';
  openRisk: { tier: 1 | 2 | 3; triggers: readonly TriggerId[] } | null;
}

/**
 * The forecast category churnguard derives for a renewal with no outcome yet, first rule that holds:
 *
 * 1. **overdue**: the renewal date has passed.
 * 2. **at risk**: the account is red, or has an open risk at tier 2 or 3 (it was not turned round in time), or an
 *    open risk raised by a renewal signal (cancellation set, a request to cut the contract, payment failures).
 * 3. **commit**: the account is green with no open risk.
 * 4. **best case**: everything else (yellow, not yet scored, or a tier-1 risk from other triggers).
 *
 * The CSM's own call, when set, stands beside it and is what the totals count (see renewalDesk).
 */
export const FORECAST_RULE = [
  'overdue: the renewal date has passed with no outcome recorded',
  'at risk: red health, or an open risk at tier 2 or 3, or an open risk raised by a renewal signal (cancellation set, contract cut, payment failures)',
  'commit: green health and no open risk',
  'best case: anything else (yellow, not yet scored, or a tier-1 risk from other triggers)',
] as const;

export function forecastCategory(input: ForecastInput): ForecastCategory {
  if (input.daysToRenewal < 0) return 'overdue';
  const risk = input.openRisk;
  if (input.band === 'red') return 'at_risk';
  if (risk && (risk.tier >= 2 || risk.triggers.some((t) => RENEWAL_TRIGGERS.includes(t)))) return 'at_risk';
  if (input.band === 'green' && !risk) return 'commit';
  return 'best_case';
}
