import { Duration } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  type CatchProps,
  DefinitionBody,
  Errors,
  type IChainable,
  JitterType,
  LogLevel,
  type RetryProps,
  StateMachine,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Transient Lambda faults retried with full jitter; the tasks are idempotent, so a retry cannot double an effect. */
export const lambdaRetry: RetryProps = {
  errors: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
    Errors.TIMEOUT,
  ],
  interval: Duration.seconds(2),
  maxAttempts: 4,
  backoffRate: 2,
  jitterStrategy: JitterType.FULL,
};

/** Anything else a task throws ends the execution in the named failure state, with the error kept in $.error. */
export const catchAll: CatchProps = { errors: [Errors.ALL], resultPath: '$.error' };

/**
 * A workflow state machine with churnguard's settings: a five-minute timeout (the calendar lives in timers, so no
 * execution waits longer), X-Ray tracing, and ALL-level logs without execution data (which holds contact details).
 * `scope` gets the state machine as `id` and its log group as `Logs`.
 */
export function workflowStateMachine(
  scope: Construct,
  id: string,
  definition: IChainable,
  logRetention: RetentionDays,
): StateMachine {
  return new StateMachine(scope, id, {
    definitionBody: DefinitionBody.fromChainable(definition),
    timeout: Duration.minutes(5),
    tracingEnabled: true,
    logs: {
      destination: new LogGroup(scope, 'Logs', { retention: logRetention }),
      level: LogLevel.ALL,
      includeExecutionData: false,
    },
  });
}
