import type { Timer } from '#core/workflows/timers';
import type { Db } from '#store/client';
import { type PendingTimer, scheduleTimers } from '#store/timer-store';

/**
 * How a sync of an account's timers (renewal checkpoints, milestone checks) reaches the store. By default it
 * schedules at once and reads the account's pending timers itself; a bulk upsert passes what it already knows
 * (an account it has just created has none) and collects the timers of every account into one scheduleTimers.
 */
export interface TimerSync {
  pending?: readonly PendingTimer[];
  /** The account was created by this call: it has never had a timer of any kind. */
  created?: boolean;
  schedule?: (timers: readonly Timer[]) => Promise<void>;
}

export function timerSync(db: Db, sync: TimerSync) {
  return {
    pending: sync.pending,
    schedule: sync.schedule ?? ((timers: readonly Timer[]) => scheduleTimers(db, timers)),
  };
}
