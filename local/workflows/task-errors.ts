/**
 * An error as Step Functions reports it: `name` is the Error that `Retry` and `Catch` match in ErrorEquals
 * (aws-local-stepfunctions compares `error.name`), `message` is the Cause.
 */
export class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * A Lambda function's error as Step Functions sees it: Error is the errorType (the thrown error's `name`, as the
 * Node.js runtime reports it), Cause the JSON of errorType, errorMessage and trace.
 */
export function lambdaTaskError(thrown: unknown): TaskError {
  if (thrown instanceof TaskError) return thrown;
  const errorType = thrown instanceof Error ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n') : [];
  return new TaskError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

/** How services appear in AWS SDK integration error names, where the lower-case ARN name does not capitalise. */
const SDK_SERVICE_NAMES: Record<string, string> = {
  dynamodb: 'DynamoDb',
  sesv2: 'SesV2',
  sqs: 'Sqs',
  sns: 'Sns',
  sfn: 'Sfn',
  eventbridge: 'EventBridge',
  scheduler: 'Scheduler',
  s3: 'S3',
};

const OPTIMIZED_SERVICE_NAMES: Record<string, string> = { dynamodb: 'DynamoDB', sqs: 'SQS', sns: 'SNS' };

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * A service integration's error as Step Functions names it: AWS SDK integrations `<Service>.<Name>Exception`
 * (`SesV2.MessageRejectedException`, `DynamoDb.ConditionalCheckFailedException`), optimized integrations
 * `<SERVICE>.<Name>` (`DynamoDB.ConditionalCheckFailedException`). A name that already has a dot is kept, so a
 * handler can throw the exact name.
 */
export function integrationTaskError(target: { service: string; sdk: boolean }, thrown: unknown): TaskError {
  if (thrown instanceof TaskError) return thrown;
  const name = thrown instanceof Error ? thrown.name : 'Error';
  const cause = thrown instanceof Error ? thrown.message : String(thrown);
  if (name.includes('.')) return new TaskError(name, cause);
  if (target.sdk) {
    const service = SDK_SERVICE_NAMES[target.service] ?? pascal(target.service);
    return new TaskError(`${service}.${name.endsWith('Exception') ? name : `${name}Exception`}`, cause);
  }
  const service = OPTIMIZED_SERVICE_NAMES[target.service] ?? pascal(target.service);
  return new TaskError(`${service}.${name}`, cause);
}
