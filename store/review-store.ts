import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/** One review, or undefined. */
export async function getReview(
  db: Db,
  accountId: string,
  reviewId: string,
): Promise<ReviewRecord | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.review(accountId, reviewId), ConsistentRead: true }),
  );
  return out.Item ? parseItem(reviewRecordSchema, out.Item, 'review') : undefined;
}

/**
 * What a CSM reports about a review (POST /v1/accounts/{id}/reviews/{reviewId}): held or missed, or moved to a new
 * start (the review stays scheduled; its earlier start is kept in `rescheduledFrom`). False when there is no such review.
 */
export async function reportReviewOutcome(
  db: Db,
  accountId: string,
  reviewId: string,
  report:
    | { outcome: 'held' | 'missed'; at: string; by: string; note: string | null }
    | { outcome: 'rescheduled'; startsAt: string; previous: string; by: string; note: string | null },
): Promise<boolean> {
  const common = { ':by': report.by, ':note': report.note ?? '' };
  const input =
    report.outcome === 'rescheduled'
      ? {
          UpdateExpression:
            'SET startsAt = :starts, rescheduledFrom = list_append(if_not_exists(rescheduledFrom, :none), :previous), #status = :scheduled, outcomeBy = :by, outcomeNote = :note',
          ExpressionAttributeValues: {
            ...common,
            ':starts': report.startsAt,
            ':previous': [report.previous],
            ':none': [],
            ':scheduled': 'scheduled',
          },
        }
      : {
          UpdateExpression: 'SET #status = :status, outcomeAt = :at, outcomeBy = :by, outcomeNote = :note',
          ExpressionAttributeValues: { ...common, ':status': report.outcome, ':at': report.at },
        };
  return whenConditionHolds(async () => {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.review(accountId, reviewId),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ...input,
      }),
    );
  });
}
