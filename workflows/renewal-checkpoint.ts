import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  Fail,
  JsonPath,
  type StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { catchAll, lambdaRetry, workflowStateMachine } from './task-retry.ts';

export interface RenewalCheckpointProps {
  checkpointFunction: IFunction;
  riskFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * One renewal checkpoint (T-180 ... T-0) for one account, started by the dispatcher from a timer:
 * evaluate health and renewal risk, open an escalation when the risk is high, record what was decided.
 * Input: { accountId, ref, dueAt, daysBefore, renewalDate }.
 */
export class RenewalCheckpoint extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RenewalCheckpointProps) {
    super(scope, id);
    const failed = new Fail(this, 'CheckpointFailed', {
      error: 'CheckpointFailed',
      causePath: '$.error.Cause',
    });
    const common = {
      'accountId.$': '$.accountId',
      'ref.$': '$.ref',
      'dueAt.$': '$.dueAt',
      'daysBefore.$': '$.daysBefore',
      'renewalDate.$': '$.renewalDate',
      'execution.$': '$$.Execution.Name',
    };
    const evaluate = new LambdaInvoke(this, 'EvaluateCheckpoint', {
      lambdaFunction: props.checkpointFunction,
      payload: TaskInput.fromObject({ task: 'evaluate', ...common }),
      payloadResponseOnly: true,
      resultPath: '$.evaluation',
    })
      .addRetry(lambdaRetry)
      .addCatch(failed, catchAll);
    const openRisk = new LambdaInvoke(this, 'OpenOrRaiseRisk', {
      lambdaFunction: props.riskFunction,
      payload: TaskInput.fromObject({
        task: 'open',
        'accountId.$': '$.accountId',
        'cause.$': '$.evaluation.cause',
        'at.$': '$.dueAt',
        'reasons.$': '$.evaluation.decision.assessment.reasons',
        'execution.$': '$$.Execution.Name',
      }),
      payloadResponseOnly: true,
      resultPath: '$.risk',
    })
      .addRetry(lambdaRetry)
      .addCatch(failed, catchAll);
    const record = new LambdaInvoke(this, 'RecordCheckpoint', {
      lambdaFunction: props.checkpointFunction,
      payload: TaskInput.fromObject({ task: 'record', ...common, 'evaluation.$': '$.evaluation' }),
      payloadResponseOnly: true,
      resultPath: JsonPath.DISCARD,
    })
      .addRetry(lambdaRetry)
      .addCatch(failed, catchAll);
    const done = new Succeed(this, 'CheckpointDone');
    record.next(done);
    openRisk.next(record);
    const definition = evaluate.next(
      new Choice(this, 'RiskHigh?')
        .when(Condition.booleanEquals('$.evaluation.escalate', true), openRisk)
        .otherwise(record),
    );
    this.stateMachine = workflowStateMachine(this, 'RenewalCheckpoint', definition, props.logRetention);
  }
}
