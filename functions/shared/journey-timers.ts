import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { journeyTimers } from '#core/journeys/timers';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers } from '#store/timer-store';
import { type TimerSync, timerSync } from './timer-sync.ts';

/**
 * Keeps an account's milestone checks in step with its go-live date and segment: checks still ahead are
 * (re)scheduled, which moves them when the go-live date moved; pending checks no longer wanted are cancelled.
 * Deferred retries (`.deferred`) are left alone: they carry messages already decided.
 */
export async function syncJourneyTimers(
  db: Db,
  account: AccountInput,
  now: Date,
  config: Config = defaultConfig,
  sync: TimerSync = {},
): Promise<void> {
  const { schedule, pending: known } = timerSync(db, sync);
  const timers = journeyTimers(config, account, now);
  const wanted = new Set(timers.map((t) => t.ref));
  await schedule(timers);
  for (const pending of known ?? (await pendingTimers(db, account.id))) {
    if (
      pending.kind === 'journey_milestone' &&
      !pending.ref.endsWith('.deferred') &&
      !wanted.has(pending.ref)
    ) {
      await cancelTimer(db, account.id, 'journey_milestone', pending.ref);
    }
  }
}
