import { z } from 'zod';
import { defaultConfig } from '#config/default';
import { type PassSummary, recomputeDaily, recomputeDirty } from '../shared/health/recompute-portfolio.ts';
import type { Deps } from '../shared/runtime.ts';

/** What a schedule sends: `dirty` every few minutes, `daily` once a day. */
export const healthPassInput = z.strictObject({ pass: z.enum(['dirty', 'daily']) });

const counts = (summary: PassSummary) => ({ accounts: summary.accounts, ...summary.byStatus });

/**
 * Keeps stored health current without anyone reading the portfolio. The `dirty` pass scores the accounts that
 * ingest or a profile change marked (and, after a config change, every account under the new model); the `daily`
 * pass learns each segment's baselines again and scores every account, so time decay shows without new signals.
 * Failed accounts are logged by the pass and stay dirty for the next run.
 */
export function createHealthPassHandler(deps: Deps) {
  const config = deps.config ?? defaultConfig;
  return async (event: unknown) => {
    const { pass } = healthPassInput.parse(event);
    if (pass === 'daily') {
      const summary = await recomputeDaily(deps, config);
      deps.logger.info('daily health pass', counts(summary));
      return { pass, ...counts(summary) };
    }
    const { modelPass, dirty, remaining } = await recomputeDirty(deps, config);
    deps.logger.info('dirty health pass', {
      ...counts(dirty),
      remaining,
      ...(modelPass ? { modelPass: counts(modelPass) } : {}),
    });
    return { pass, ...counts(dirty), ...(modelPass ? { modelPass: counts(modelPass) } : {}) };
  };
}
