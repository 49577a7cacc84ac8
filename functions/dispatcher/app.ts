import type { TimerKind } from '#core/workflows/timers';
import { executionName } from '#core/workflows/timers';
import type { Db } from '#store/client';
import { advanceCursor, dueTimers, markFired } from '#store/timer-store';
import type { Deps } from '../shared/runtime.ts';

/** Starts a workflow execution; `already_started` when an execution of that name exists (a repeated dispatch). */
export interface WorkflowStarter {
  start(
    kind: TimerKind,
    name: string,
    input: Record<string, unknown>,
  ): Promise<'started' | 'already_started'>;
}

export interface DispatchResult {
  due: number;
  started: number;
  alreadyStarted: number;
}

/**
 * Starts one execution per due timer, named by the timer, then marks the timer fired. A crash between the two
 * only means the next run finds the timer again; Step Functions refuses the second start by name.
 */
export async function dispatchDueTimers(
  db: Db,
  starter: WorkflowStarter,
  now: Date,
  limit = 500,
): Promise<DispatchResult> {
  const timers = await dueTimers(db, now, limit);
  const result: DispatchResult = { due: timers.length, started: 0, alreadyStarted: 0 };
  for (const timer of timers) {
    const outcome = await starter.start(timer.kind, executionName(timer), {
      accountId: timer.accountId,
      ref: timer.ref,
      dueAt: timer.dueAt,
      ...timer.payload,
    });
    if (outcome === 'started') result.started++;
    else result.alreadyStarted++;
    await markFired(db, timer);
  }
  await advanceCursor(db, now);
  return result;
}

export function createDispatcherHandler(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'metrics'> & { starter: WorkflowStarter },
) {
  return async () => {
    const result = await dispatchDueTimers(deps.db, deps.starter, deps.clock.now());
    deps.logger.info('timers dispatched', { ...result });
    deps.metrics?.count({
      TimersDue: result.due,
      WorkflowsStarted: result.started,
      WorkflowsAlreadyStarted: result.alreadyStarted,
    });
    return result;
  };
}
