import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { summarisePortfolio } from '#core/health/portfolio';
import { listPortfolio } from '#store/portfolio-store';
import { recomputeDirty } from '../shared/health/recompute-portfolio.ts';
import { httpHandler, json } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

/** Dirty accounts a portfolio read scores before answering; the rest (and any that failed) are `pendingRecompute`. */
export const DIRTY_SCORED_ON_READ = 100;

/**
 * GET /v1/portfolio: bands and journey classes by segment, from the account registry's health summaries. Up to
 * DIRTY_SCORED_ON_READ dirty or never-scored accounts are scored first, so the local stack shows fresh health
 * without a scheduler; a model change is left to the passes (it rescans everything), and `scoredUnderOtherModel`
 * says how many accounts still wait for it.
 */
export function createPortfolioHandler(deps: Deps, configOverride?: Config) {
  const config = configOverride ?? deps.config ?? defaultConfig;
  return httpHandler(deps, async () => {
    const refreshed = await recomputeDirty(deps, config, {
      limit: DIRTY_SCORED_ON_READ,
      followModelChanges: false,
    });
    const entries = await listPortfolio(deps.db);
    const summary = summarisePortfolio(config, entries, deps.clock.now());
    const pendingRecompute = refreshed.remaining + refreshed.dirty.byStatus.failed;
    return json(200, { ...summary, pendingRecompute });
  });
}
