import type { Config } from '#config/schema';
import { modelVersion } from '#core/health/model-version';
import type { RecomputeReason } from '#core/health/record';
import type { Baselines } from '#core/health/types';
import { readModelMarker, writeModelMarker } from '#store/baseline-store';
import { type DirtyMark, listDirty } from '#store/dirty-store';
import { mapLimit } from '#store/parallel';
import { listPortfolio } from '#store/portfolio-store';
import type { Deps } from '../runtime.ts';
import { currentBaselines } from './baselines.ts';
import { type RecomputeStatus, recomputeAccount } from './recompute-account.ts';
import { PASS_CONCURRENCY, recomputeBaselines } from './recompute-baselines.ts';

/**
 * Passes over many accounts. Three triggers, one account recompute (recompute-account.ts):
 * - dirty: accounts whose signals or profile changed (marked by ingest and upserts), and nothing else;
 * - model change: when the model version differs from the one the last whole pass finished under, baselines are
 *   learnt again and every account scored under another model is scored again;
 * - daily: baselines, then every account, for time decay (recency weights, windows, milestone due days).
 */

export interface PassSummary {
  accounts: number;
  byStatus: Record<RecomputeStatus | 'failed', number>;
  /** Accounts whose recompute threw (each logged with its error); the others were scored and stored regardless. */
  failed: string[];
}

interface Planned {
  accountId: string;
  reason: RecomputeReason;
  dirty?: DirtyMark;
}

async function recomputeMany(
  deps: Deps,
  config: Config,
  planned: readonly Planned[],
  baselines: Baselines,
): Promise<PassSummary> {
  const byStatus: PassSummary['byStatus'] = {
    'first-score': 0,
    changed: 0,
    unchanged: 0,
    missing: 0,
    failed: 0,
  };
  const failed: string[] = [];
  await mapLimit(planned, PASS_CONCURRENCY, async ({ accountId, reason, dirty }) => {
    try {
      const outcome = await recomputeAccount(deps, config, accountId, { reason, baselines, dirty });
      byStatus[outcome.status] += 1;
    } catch (error) {
      // One broken account must not stop the pass for all the others; it stays dirty and is reported.
      deps.logger.error('health recompute failed', { accountId, reason, error: String(error) });
      byStatus.failed += 1;
      failed.push(accountId);
    }
  });
  return { accounts: planned.length, byStatus, failed: failed.sort() };
}

/**
 * Scores every registered account ('daily'), or only those last scored under another model ('model-changed').
 * Dirty markers read at the start are cleared for the accounts scored (each unless marked again meanwhile).
 */
export async function recomputeAll(
  deps: Deps,
  config: Config,
  scope: 'daily' | 'model-changed',
): Promise<PassSummary> {
  const now = deps.clock.now();
  const current = modelVersion(config);
  const [entries, marks, baselines] = await Promise.all([
    listPortfolio(deps.db),
    listDirty(deps.db),
    currentBaselines(deps.db, config, now),
  ]);
  const dirty = new Map(marks.map((mark) => [mark.accountId, mark]));
  const planned = entries.flatMap(({ accountId, health }): Planned[] => {
    const stale = health?.modelVersion !== current;
    if (scope === 'model-changed' && !stale) return [];
    const mark = dirty.get(accountId);
    const reason: RecomputeReason = stale ? 'model-changed' : mark ? 'dirty' : 'daily';
    return [{ accountId, reason, dirty: mark }];
  });
  return recomputeMany(deps, config, planned, baselines);
}

/** Baselines, then every account scored under another model, then the marker that the model is current. */
async function catchUpWithModel(deps: Deps, config: Config, scope: 'daily' | 'model-changed') {
  await recomputeBaselines(deps, config);
  const pass = await recomputeAll(deps, config, scope);
  await writeModelMarker(deps.db, {
    modelVersion: modelVersion(config),
    completedAt: deps.clock.now().toISOString(),
  });
  return pass;
}

/** The daily pass: baselines learnt again, then every account scored (time decay), then the model marker. */
export function recomputeDaily(deps: Deps, config: Config): Promise<PassSummary> {
  return catchUpWithModel(deps, config, 'daily');
}

export interface DirtyPassSummary {
  /** The whole pass run first because the model changed (or never ran); absent when the model was current. */
  modelPass?: PassSummary;
  dirty: PassSummary;
  /** Dirty accounts left for a later call (only with `limit`). */
  remaining: number;
}

export interface DirtyPassOptions {
  /** Score at most this many dirty accounts (a request path bounds its work); the rest stay dirty. */
  limit?: number;
  /** Whether a model change may start the whole pass here (false on request paths). Default true. */
  followModelChanges?: boolean;
}

/** The incremental pass: only accounts marked dirty, after catching up with a model change if there was one. */
export async function recomputeDirty(
  deps: Deps,
  config: Config,
  options: DirtyPassOptions = {},
): Promise<DirtyPassSummary> {
  let modelPass: PassSummary | undefined;
  if (options.followModelChanges ?? true) {
    const marker = await readModelMarker(deps.db);
    if (marker?.modelVersion !== modelVersion(config)) {
      modelPass = await catchUpWithModel(deps, config, 'model-changed');
    }
  }
  // Oldest marks first, so that with a limit no account waits behind accounts marked after it.
  const marks = (await listDirty(deps.db)).sort((a, b) =>
    a.markedAt < b.markedAt ? -1 : a.markedAt > b.markedAt ? 1 : 0,
  );
  const chosen = marks.slice(0, options.limit ?? marks.length);
  const baselines = await currentBaselines(deps.db, config, deps.clock.now());
  const dirty = await recomputeMany(
    deps,
    config,
    chosen.map((mark) => ({ accountId: mark.accountId, reason: 'dirty', dirty: mark })),
    baselines,
  );
  return { ...(modelPass && { modelPass }), dirty, remaining: marks.length - chosen.length };
}
