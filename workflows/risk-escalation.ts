import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Fail, type StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { catchAll, lambdaRetry, workflowStateMachine } from './task-retry.ts';

export interface RiskEscalationProps {
  riskFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * A risk's acknowledgement deadline, started by the dispatcher from its timer: no acknowledgement or no
 * improvement raises tier 2 (the manager) and then tier 3 (the region's weekly cross-functional review).
 * Input: { accountId, ref, dueAt, riskId, tier }.
 */
export class RiskEscalation extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RiskEscalationProps) {
    super(scope, id);
    const failed = new Fail(this, 'DeadlineFailed', { error: 'DeadlineFailed', causePath: '$.error.Cause' });
    const check = new LambdaInvoke(this, 'CheckDeadline', {
      lambdaFunction: props.riskFunction,
      payload: TaskInput.fromObject({
        task: 'deadline',
        'accountId.$': '$.accountId',
        'riskId.$': '$.riskId',
        'tier.$': '$.tier',
        'dueAt.$': '$.dueAt',
        'execution.$': '$$.Execution.Name',
      }),
      payloadResponseOnly: true,
      resultPath: '$.outcome',
    })
      .addRetry(lambdaRetry)
      .addCatch(failed, catchAll);
    this.stateMachine = workflowStateMachine(
      this,
      'RiskEscalation',
      check.next(new Succeed(this, 'DeadlineHandled')),
      props.logRetention,
    );
  }
}
