import { Duration } from 'aws-cdk-lib';
import { type CatchProps, Errors, JitterType, type RetryProps } from 'aws-cdk-lib/aws-stepfunctions';

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
