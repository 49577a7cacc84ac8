import type { AccountInput } from '#core/accounts';
import { DEFAULT_CHECKPOINT_DAYS, renewalCheckpointTimers } from '#core/workflows/renewal';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers } from '#store/timer-store';
import { type TimerSync, timerSync } from './timer-sync.ts';

/**
 * Keeps an account's renewal countdown in step with its contract: checkpoints still ahead are (re)scheduled for
 * the current renewal date, which moves those set for an earlier date; pending checkpoints that the new date
 * puts in the past are cancelled rather than fired late.
 */
export async function syncRenewalTimers(
  db: Db,
  account: Pick<AccountInput, 'id' | 'contract'>,
  now: Date,
  checkpointDays: readonly number[] = DEFAULT_CHECKPOINT_DAYS,
  sync: TimerSync = {},
): Promise<void> {
  const { schedule, pending: known } = timerSync(db, sync);
  const timers = renewalCheckpointTimers(account.id, account.contract.renewalDate, checkpointDays, now);
  const wanted = new Set(timers.map((t) => t.ref));
  await schedule(timers);
  for (const pending of known ?? (await pendingTimers(db, account.id))) {
    if (pending.kind === 'renewal_checkpoint' && !wanted.has(pending.ref)) {
      await cancelTimer(db, account.id, 'renewal_checkpoint', pending.ref);
    }
  }
}
