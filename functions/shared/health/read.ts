import type { Config } from '#config/schema';
import { modelVersion } from '#core/health/model-version';
import type { AccountHealthInput } from '#core/health/next-health';
import type { HealthRecord, RecomputeReason } from '#core/health/record';
import { type DirtyMark, readDirtyMark } from '#store/dirty-store';
import { readHealth } from '#store/health-store';
import type { Deps } from '../runtime.ts';
import { recomputeAccount } from './recompute-account.ts';

/** `input`: what the health was scored from, when it was scored on this read (for a reader that needs it too). */
export type HealthOnRead =
  | { health: HealthRecord; input?: AccountHealthInput }
  | { health: null; unavailable: string };

/** Why stored health is not good enough for a reader, or null when it is. */
function whyStale(
  config: Config,
  stored: HealthRecord,
  dirty: DirtyMark | undefined,
): RecomputeReason | null {
  if (stored.snapshot.modelVersion !== modelVersion(config)) return 'model-changed';
  if (dirty) return 'dirty';
  return null;
}

/**
 * An account's health for a reader. An account never scored, marked dirty by new signals or a profile change, or
 * scored under another model is scored on the spot (one account: a handful of reads and at most one
 * transaction), so the local stack shows fresh health without a scheduler. Time decay alone does not trigger it:
 * the daily pass (recomputeDaily) does that, and the snapshot's `at` says when it was scored.
 * With `recompute: false` (a deployment that leaves all scoring to its passes) the stored health is returned.
 */
export async function healthOnRead(
  deps: Deps,
  config: Config,
  accountId: string,
  options: { recompute: boolean } = { recompute: true },
): Promise<HealthOnRead> {
  const [stored, dirty] = await Promise.all([
    readHealth(deps.db, accountId),
    readDirtyMark(deps.db, accountId),
  ]);
  const reason = stored ? whyStale(config, stored, dirty) : 'first-score';
  if (reason === null || !options.recompute) {
    return stored
      ? { health: stored }
      : { health: null, unavailable: 'not scored yet: the next recompute pass will score it' };
  }
  const outcome = await recomputeAccount(deps, config, accountId, { reason, dirty });
  return outcome.health
    ? { health: outcome.health, ...(outcome.input ? { input: outcome.input } : {}) }
    : { health: null, unavailable: 'the account was not found when scoring it' };
}
