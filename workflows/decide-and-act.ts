import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Fail,
  JitterType,
  JsonPath,
  Map as MapState,
  type StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { catchAll, lambdaRetry, workflowStateMachine } from './task-retry.ts';

export interface DecideAndActProps {
  /**
   * The workflow's own Evaluate task function. It gets `{ task: 'evaluate', timer: <the execution input, as the
   * dispatcher started it from a timer>, execution }` and returns `{ accountId, summary, effects, context }`.
   */
  evaluateFunction: IFunction;
  /** The one executor: Apply and Deliver (functions/effects). */
  effectsFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * Every workflow has the same visible shape (DESIGN decisions 5 and 9), so an execution's history shows what was
 * decided and what was done:
 *
 *   Evaluate (its own function: load the account, decide; returns the effects as data)
 *     -> Apply (the executor: state changes, timers, timeline, not-sent rows, send-ledger reservations)
 *     -> DeliverEach (Map over the reserved emails, by ledger key, not content: state stays small)
 *          -> Deliver (claims, sends, settles; SendThrottled retried with full jitter, as SES accepted nothing)
 *
 * Only throttling is retried at Deliver: after any other failure SES may have accepted a message whose answer was
 * lost, so the row is settled failed rather than risk sending twice. Lambda faults are retried everywhere: every
 * task is idempotent.
 */
export function decideAndAct(scope: Construct, name: string, props: DecideAndActProps): StateMachine {
  const failed = new Fail(scope, `${name}Failed`, { error: `${name}Failed`, causePath: '$.error.Cause' });
  /** A Lambda task whose answer (the payload alone) lands at `resultPath`. */
  const task = (id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string) =>
    new LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      resultPath,
    });
  const evaluate = task(
    'Evaluate',
    props.evaluateFunction,
    { task: 'evaluate', 'timer.$': '$', 'execution.$': '$$.Execution.Name' },
    '$.decision',
  )
    .addRetry(lambdaRetry)
    .addCatch(failed, catchAll);
  const apply = task(
    'Apply',
    props.effectsFunction,
    {
      task: 'apply',
      'accountId.$': '$.decision.accountId',
      'effects.$': '$.decision.effects',
      'context.$': '$.decision.context',
      'execution.$': '$$.Execution.Name',
    },
    '$.applied',
  )
    .addRetry(lambdaRetry)
    .addCatch(failed, catchAll);
  const deliver = task(
    'Deliver',
    props.effectsFunction,
    { task: 'deliver', 'owner.$': '$.owner', 'key.$': '$.key', 'execution.$': '$.execution' },
    JsonPath.DISCARD,
  )
    .addRetry({
      errors: ['SendThrottled'],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    })
    .addRetry(lambdaRetry);
  const deliverEach = new MapState(scope, 'DeliverEach', {
    itemsPath: '$.applied.deliveries',
    maxConcurrency: 4,
    resultPath: JsonPath.DISCARD,
  })
    .itemProcessor(deliver)
    .addCatch(failed, catchAll);
  const definition = evaluate.next(apply).next(deliverEach).next(new Succeed(scope, 'Done'));
  return workflowStateMachine(scope, name, definition, props.logRetention);
}
