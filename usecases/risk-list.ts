import { arrAtRisk, matchesRisk, type RiskFilters } from '#core/workbench/risk-filter';
import type { UseCaseDeps } from './account-view.ts';
import { loadOpenRisks } from './renewals.ts';

/**
 * GET /v1/risks: the open risks (usecases/renewals.ts) that match the filters, the oldest first, with days open
 * and the ARR they hold per currency.
 */
export async function listOpenRisks(deps: UseCaseDeps, filters: RiskFilters) {
  const { asOf, risks } = await loadOpenRisks(deps);
  const matching = risks.filter((risk) => matchesRisk(risk, filters));
  return { asOf, filters, count: matching.length, arrAtRisk: arrAtRisk(matching), risks: matching };
}
