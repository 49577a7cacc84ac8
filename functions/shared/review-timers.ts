import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { isProgrammeTimerRef, programmeTimers } from '#core/reviews/programme';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers } from '#store/timer-store';
import { type TimerSync, timerSync } from './timer-sync.ts';

/**
 * Keeps an account's programme reviews (config.reviews) in step with its segment, contract start and go-live: the
 * next review of each entry is (re)scheduled, which moves it when an anchor moved; pending reviews of entries the
 * programme no longer holds are cancelled. The renewal date is not read: a renewal that moves moves no review.
 * Retries (`.retry`) and reschedules' updates are left alone: they carry invitations already decided.
 */
export async function syncReviewTimers(
  db: Db,
  account: AccountInput,
  now: Date,
  config: Config,
  sync: TimerSync = {},
): Promise<void> {
  const { schedule, pending: known } = timerSync(db, sync);
  const timers = programmeTimers(config, account, now);
  const wanted = new Set(timers.map((t) => t.ref));
  await schedule(timers);
  for (const pending of known ?? (await pendingTimers(db, account.id))) {
    if (pending.kind === 'review' && isProgrammeTimerRef(pending.ref) && !wanted.has(pending.ref)) {
      await cancelTimer(db, account.id, 'review', pending.ref);
    }
  }
}
