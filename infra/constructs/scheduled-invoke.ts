import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, type ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeInvokeGrant } from '../nag.ts';

export interface ScheduledRun {
  id: string;
  schedule: ScheduleExpression;
  description: string;
  /** The event the function receives; Scheduler's default when absent. */
  input?: Record<string, unknown>;
}

/**
 * How a schedule gives up: EventBridge Scheduler tries to hand a run to Lambda at most this often (its default is
 * 185 times over 24 hours), for at most this long, then puts the run in the dead-letter queue. A run is only worth
 * something while it is fresh: the next one follows within minutes (the weekly digest is the exception, and a
 * missed one is visible in the DLQ alarm).
 */
export const SCHEDULE_RETRY = { retryAttempts: 2, maxEventAge: Duration.minutes(15) } as const;

/**
 * EventBridge Scheduler invoking `fn` on each schedule, through one role that may invoke only `fn`, with bounded
 * retries and a dead-letter queue. The role and schedules are created in `scope` under the ids given, so their
 * logical ids stay those of deployed stacks.
 */
export function invokeOnSchedule(
  scope: Construct,
  roleId: string,
  fn: IFunction,
  runs: ScheduledRun[],
  deadLetters: IQueue,
): void {
  const role = new Role(scope, roleId, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
  acknowledgeInvokeGrant(role, fn);
  for (const run of runs)
    new Schedule(scope, run.id, {
      schedule: run.schedule,
      target: new LambdaInvoke(fn, {
        role,
        ...SCHEDULE_RETRY,
        deadLetterQueue: deadLetters,
        ...(run.input ? { input: ScheduleTargetInput.fromObject(run.input) } : {}),
      }),
      description: run.description,
    });
}
