import type { TimersConfig } from '#config/escalation-schema';
import type { AccountInput } from '#core/accounts';
import { passedCheckpointTimer, renewalCheckpointTimers } from '#core/workflows/renewal';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers, scheduleTimerOnce } from '#store/timer-store';
import { type TimerSync, timerSync } from './timer-sync.ts';

/**
 * Keeps an account's renewal countdown in step with its contract: checkpoints still ahead are (re)scheduled for
 * the current renewal date, which moves those set for an earlier date; pending checkpoints that the new date
 * puts in the past are cancelled rather than fired late. When checkpoints of this renewal already passed (an
 * account imported 28 days before renewal), the latest of them runs now, once per renewal date
 * (`timers.catchUpPassedCheckpoint`).
 */
export async function syncRenewalTimers(
  db: Db,
  account: Pick<AccountInput, 'id' | 'contract'>,
  now: Date,
  timers: TimersConfig,
  sync: TimerSync = {},
): Promise<void> {
  const { schedule, pending: known } = timerSync(db, sync);
  const { renewalDate } = account.contract;
  const ahead = renewalCheckpointTimers(account.id, renewalDate, timers, now);
  const wanted = new Set(ahead.map((t) => t.ref));
  await schedule(ahead);
  for (const pending of known ?? (await pendingTimers(db, account.id))) {
    if (pending.kind === 'renewal_checkpoint' && !wanted.has(pending.ref) && !pending.ref.includes('.')) {
      await cancelTimer(db, account.id, 'renewal_checkpoint', pending.ref);
    }
  }
  const passed = passedCheckpointTimer(account.id, renewalDate, timers, now);
  // Once per renewal date: an account just created has never had it; any other is asked.
  if (passed && sync.created) await schedule([passed]);
  else if (passed) await scheduleTimerOnce(db, passed);
}
