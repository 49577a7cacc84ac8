import { type PortfolioSummary, summarisePortfolio } from '#core/health/portfolio';
import { registryOfBook } from '#core/renewals/book';
import type { UseCaseDeps } from './account-view.ts';
import { loadBookWithContracts } from './renewals.ts';

/** GET /v1/portfolio's figures: the customers' bands and classes per segment, and how many accounts churned. */
export async function loadPortfolioSummary(deps: UseCaseDeps): Promise<PortfolioSummary> {
  return summarisePortfolio(deps.config, registryOfBook(await loadBookWithContracts(deps)), deps.clock.now());
}
