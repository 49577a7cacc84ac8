import type { AccountInput } from '#core/accounts';
import { DEFAULT_CHECKPOINT_DAYS, renewalCheckpointTimers } from '#core/workflows/renewal';
import type { Db } from '#store/client';
import { cancelTimer, pendingTimers, scheduleTimer } from '#store/timer-store';

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
): Promise<void> {
  const timers = renewalCheckpointTimers(account.id, account.contract.renewalDate, checkpointDays, now);
  const wanted = new Set(timers.map((t) => t.ref));
  for (const timer of timers) await scheduleTimer(db, timer);
  for (const pending of await pendingTimers(db, account.id)) {
    if (pending.kind === 'renewal_checkpoint' && !wanted.has(pending.ref)) {
      await cancelTimer(db, account.id, 'renewal_checkpoint', pending.ref);
    }
  }
}
