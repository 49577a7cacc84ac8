import * as z from 'zod';
import { addTo, type ByCurrency } from '#core/renewals/money';
import { ROOT_CAUSE_IDS, STRATEGIES } from '#core/workflows/root-causes';

/**
 * `GET /v1/risks?region=&tier=&cause=&strategy=&segment=`: which open risks a CSM or manager looks at. Every filter
 * given must hold; `cause` matches the primary or the secondary root cause; `tier` is the escalation tier (1-3).
 */
export const riskFiltersSchema = z.strictObject({
  region: z.string().min(1).max(128).optional(),
  segment: z.string().min(1).max(64).optional(),
  tier: z
    .enum(['1', '2', '3'], { error: 'must be 1, 2 or 3 (the escalation tier)' })
    .transform(Number)
    .optional(),
  cause: z.enum(ROOT_CAUSE_IDS, { error: `must be one of: ${ROOT_CAUSE_IDS.join(', ')}` }).optional(),
  strategy: z.enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` }).optional(),
});
export type RiskFilters = z.infer<typeof riskFiltersSchema>;

export interface FilterableRisk {
  region: string;
  segment: string;
  tier: number;
  primaryCause: string;
  secondaryCause: string | null;
  strategy: string;
  arr: number;
  currency: string;
}

export function matchesRisk(risk: FilterableRisk, filters: RiskFilters): boolean {
  return (
    (filters.region === undefined || risk.region === filters.region) &&
    (filters.segment === undefined || risk.segment === filters.segment) &&
    (filters.tier === undefined || risk.tier === filters.tier) &&
    (filters.cause === undefined ||
      risk.primaryCause === filters.cause ||
      risk.secondaryCause === filters.cause) &&
    (filters.strategy === undefined || risk.strategy === filters.strategy)
  );
}

/**
 * ARR at risk: the sum of the ARR each open risk holds, per currency (never added across currencies; a risk
 * keeps the currency its ARR was recorded in).
 */
export function arrAtRisk(risks: readonly Pick<FilterableRisk, 'arr' | 'currency'>[]): ByCurrency {
  const totals: ByCurrency = {};
  for (const risk of risks) addTo(totals, risk.currency, risk.arr);
  return totals;
}
