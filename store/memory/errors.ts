import {
  type CancellationReason,
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';

/** The SDK's own exception classes, so callers' `instanceof` and `name` checks behave as against DynamoDB. */
const metadata = { httpStatusCode: 400 };

export function validationError(message: string): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    message,
    $metadata: metadata,
  });
}

export function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: metadata,
  });
}

export function transactionCanceled(reasons: CancellationReason[]): TransactionCanceledException {
  const codes = reasons.map((r) => r.Code ?? 'None').join(', ');
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    CancellationReasons: reasons,
    $metadata: metadata,
  });
}

export function tableNotFound(tableName: string): ResourceNotFoundException {
  return new ResourceNotFoundException({
    message: `Cannot do operations on a non-existent table: ${tableName}`,
    $metadata: metadata,
  });
}
