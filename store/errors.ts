import * as z from 'zod';
/** Domain errors the store raises; handlers map them to responses in one place. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** DynamoDB kept refusing for capacity after every retry (the SDK's, then the store's own rounds). */
export class ThrottledError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ThrottledError';
  }
}

const THROTTLING_ERRORS = new Set([
  'ThrottledError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/** The table is over its capacity: the caller should slow down and try again, nothing is wrong with the request. */
export function isThrottled(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Runs a conditional write: true when it was written, false when its condition did not hold (a retry, a lost
 * race, a newer record already there); any other failure is thrown.
 */
export async function whenConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

const cancellationReasons = z.object({
  name: z.literal('TransactionCanceledException'),
  CancellationReasons: z.array(z.object({ Code: z.string().optional() })).optional(),
});

/**
 * A transaction refused only because one of its own conditions did not hold: the named outcome "already done" or
 * "someone else was first". A cancellation for any other reason (throttling, a conflict with another transaction,
 * a validation error) is not that, and is thrown for the caller or the platform to retry.
 */
export function isConditionCancellation(error: unknown): boolean {
  const parsed = cancellationReasons.safeParse(error);
  if (!parsed.success) return false;
  const codes = (parsed.data.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return (
    codes.includes('ConditionalCheckFailed') &&
    codes.every((c) => c === 'None' || c === 'ConditionalCheckFailed')
  );
}

/** Runs a transaction with conditions: true when written, false when a condition did not hold; anything else throws. */
export async function whenTransactionConditionsHold(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionCancellation(error)) return false;
    throw error;
  }
}
