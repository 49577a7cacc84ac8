import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { keys } from './keys.ts';

export interface ReviewRecord {
  reviewId: string;
  accountId: string;
  reviewKind: string;
  status: 'scheduled' | 'held' | 'missed';
  scheduledAt: string;
  startsAt: string;
  invitedTo: string[];
}

/** Creates the review once per id; false when it exists (a retry), in which case no invitation is sent again. */
export async function createReview(db: Db, review: ReviewRecord): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.review(review.accountId, review.reviewId), kind: 'review', ...review },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The outcome of a review, as a meeting_held / meeting_missed signal with attributes.reviewId reports it. */
export async function recordReviewOutcome(
  db: Db,
  accountId: string,
  reviewId: string,
  status: 'held' | 'missed',
  at: string,
) {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.review(accountId, reviewId),
        UpdateExpression: 'SET #status = :status, outcomeAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
