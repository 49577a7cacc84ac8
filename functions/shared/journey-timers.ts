import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { journeyTimers } from '#core/journeys/timers';
import { nextTipTimer, TIP_TIMER_REF } from '#core/journeys/tip-cadence';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers } from '#store/timer-store';
import { type TimerSync, timerSync } from './timer-sync.ts';

/**
 * Keeps an account's milestone checks and tips in step with its go-live date and segment: checks still ahead are
 * (re)scheduled, which moves them when the go-live date moved; pending checks no longer wanted are cancelled.
 * Deferred retries (`.deferred`) are left alone: they carry messages already decided. The tip pointer is set to the
 * next tip of the segment's cadence, or cancelled when the segment sends none; a tip already due and not yet
 * dispatched is left to fire.
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
  const pending = known ?? (await pendingTimers(db, account.id));
  const pendingTip = pending.find((p) => p.kind === 'journey_tip' && p.ref === TIP_TIMER_REF);
  const tip = nextTipTimer(config, account, now);
  const tipDue = pendingTip !== undefined && pendingTip.dueAt <= now.toISOString();
  await schedule(tip && !tipDue ? [...timers, tip] : timers);
  if (!tip && pendingTip) await cancelTimer(db, account.id, 'journey_tip', TIP_TIMER_REF);
  for (const timer of pending) {
    if (timer.kind === 'journey_milestone' && !timer.ref.endsWith('.deferred') && !wanted.has(timer.ref)) {
      await cancelTimer(db, account.id, 'journey_milestone', timer.ref);
    }
  }
}
