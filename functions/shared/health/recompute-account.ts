import type { Config } from '#config/schema';
import { type AccountHealthInput, nextHealth } from '#core/health/next-health';
import type { HealthRecord, RecomputeReason } from '#core/health/record';
import type { Baselines } from '#core/health/types';
import { claimDirty, clearDirty, type DirtyClaim, type DirtyMark } from '#store/dirty-store';
import { writeHealth } from '#store/health-store';
import { backoffMs, sleep } from '#store/parallel';
import type { Deps } from '../runtime.ts';
import { currentBaselines } from './baselines.ts';
import { loadHealthInput } from './load.ts';

export interface RecomputeOptions {
  /** Why the caller asks; an account never scored records 'first-score' whatever is asked. Default 'dirty'. */
  reason?: RecomputeReason;
  /** Baselines read once for a whole pass; read from the store when absent. */
  baselines?: Baselines;
  /**
   * The account's dirty marker, read before this call: claimed before the account is read, and cleared afterwards
   * unless marked again meanwhile (store/dirty-store.ts).
   */
  dirty?: DirtyMark;
  /** The marker as the caller claimed it before it read `input` (a pass claims first, then reads): cleared after. */
  claimed?: DirtyClaim;
  /**
   * The account as a pass already read it: scored without a second read, unless it is dirty and its marker was
   * not claimed before that read (`claimed`): the read it is scored from must follow the claim. The write stays
   * conditional on the health revision read, so a lost race reads again.
   */
  input?: AccountHealthInput;
  /** Leave `claimed` to the caller to clear (a pass clears a step's claims together: clearDirtyMany). */
  keepClaim?: boolean;
}

export type RecomputeStatus = 'first-score' | 'changed' | 'unchanged' | 'missing';

export interface RecomputeOutcome {
  accountId: string;
  status: RecomputeStatus;
  /** The health as of now (for 'unchanged': the stored record with today's snapshot, which was not stored). */
  health?: HealthRecord;
  /** What it was scored from (profile, rollups, tickets), for what reads the account next (risk detection). */
  input?: AccountHealthInput;
}

/** Racing writers on one account are rare (a read and a pass at once); each lost race re-reads and retries. */
const MAX_ATTEMPTS = 6;

/**
 * Scores one account from its stored profile, rollups, tickets and health, and stores the new health with a
 * history entry when something moved (see healthChanged). The write is conditional on the health revision that
 * was read; a lost race reads again and recomputes, so no change is diffed against a stale snapshot.
 */
export async function recomputeAccount(
  deps: Deps,
  config: Config,
  accountId: string,
  options: RecomputeOptions = {},
): Promise<RecomputeOutcome> {
  const now = deps.clock.now();
  const baselines = options.baselines ?? (await currentBaselines(deps.db, config, now));
  const claimed = options.claimed ?? (options.dirty ? await claimDirty(deps.db, accountId, now) : undefined);
  const preloaded = options.dirty && !options.claimed ? undefined : options.input;
  const clear = claimed && !options.keepClaim ? () => clearDirty(deps.db, claimed) : async () => false;
  for (let attempt = 1; ; attempt++) {
    const input =
      attempt === 1 && preloaded ? preloaded : await loadHealthInput(deps.db, config, accountId, now);
    if (!input) {
      await clear();
      return { accountId, status: 'missing' };
    }
    const { record, change } = nextHealth(config, input, baselines, now, options.reason ?? 'dirty');
    if (change) {
      const written = await writeHealth(deps.db, record, change, input.previous?.revision);
      if (written === 'lost-race') {
        if (attempt >= MAX_ATTEMPTS) {
          throw new Error(
            `health of ${accountId} kept changing under ${MAX_ATTEMPTS} attempts to recompute it`,
          );
        }
        await sleep(backoffMs(attempt, 10, 500));
        continue;
      }
    }
    await clear();
    const status: RecomputeStatus = change ? (input.previous ? 'changed' : 'first-score') : 'unchanged';
    return { accountId, status, health: record, input };
  }
}
