import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, type ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
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
 * EventBridge Scheduler invoking `fn` on each schedule, through one role that may invoke only `fn`. The role and
 * schedules are created in `scope` under the ids given, so their logical ids stay those of deployed stacks.
 */
export function invokeOnSchedule(
  scope: Construct,
  roleId: string,
  fn: IFunction,
  runs: ScheduledRun[],
): void {
  const role = new Role(scope, roleId, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
  acknowledgeInvokeGrant(role, fn);
  for (const run of runs)
    new Schedule(scope, run.id, {
      schedule: run.schedule,
      target: new LambdaInvoke(fn, {
        role,
        ...(run.input ? { input: ScheduleTargetInput.fromObject(run.input) } : {}),
      }),
      description: run.description,
    });
}
