import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ReviewRecord, reviewRecordSchema } from '#core/workflows/review-record';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

export type { ReviewRecord } from '#core/workflows/review-record';

/** Every review of an account, oldest id first. */
export async function listReviews(db: Db, accountId: string): Promise<ReviewRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': 'REVIEW#' },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(reviewRecordSchema, item, 'review'));
}

/** Creates the review once per id; false when it exists (a retry), in which case no invitation is sent again. */
export async function createReview(db: Db, review: ReviewRecord): Promise<boolean> {
  return whenConditionHolds(async () => {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.review(review.accountId, review.reviewId), kind: 'review', ...review },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  });
}

/** The outcome of a review, as a meeting_held / meeting_missed signal with attributes.reviewId reports it. */
export async function recordReviewOutcome(
  db: Db,
  accountId: string,
  reviewId: string,
  status: 'held' | 'missed',
  at: string,
) {
  return whenConditionHolds(async () => {
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
  });
}
