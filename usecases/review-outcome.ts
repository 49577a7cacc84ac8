import type { Clock } from '#core/clock';
import type { Db } from '#store/client';
import { NotFoundError } from '#store/errors';
import { getReview, reportReviewOutcome } from '#store/review-store';
import { recordTimeline } from '#store/timeline-store';

export type ReviewReport =
  | { outcome: 'held' | 'missed'; at: string | null; by: string; note: string | null }
  | { outcome: 'rescheduled'; startsAt: string; by: string; note: string | null };

/**
 * A CSM reports how a review went: held, missed (evidence for risk detection), or rescheduled to a new start. The
 * review is updated and the account's timeline says so, once per report.
 */
export async function recordReviewReport(
  deps: { db: Db; clock: Clock },
  accountId: string,
  reviewId: string,
  report: ReviewReport,
) {
  const before = await getReview(deps.db, accountId, reviewId);
  if (!before) throw new NotFoundError(`review "${reviewId}" of account "${accountId}"`);
  const now = deps.clock.now().toISOString();
  const stored =
    report.outcome === 'rescheduled'
      ? { ...report, previous: before.startsAt }
      : { ...report, at: report.at ?? now };
  if (!(await reportReviewOutcome(deps.db, accountId, reviewId, stored))) {
    throw new NotFoundError(`review "${reviewId}" of account "${accountId}"`);
  }
  const what =
    report.outcome === 'rescheduled'
      ? `Review ${reviewId} rescheduled from ${before.startsAt} to ${report.startsAt} by ${report.by}`
      : `Review ${reviewId} ${report.outcome} (reported by ${report.by})`;
  await recordTimeline(deps.db, {
    accountId,
    at: now,
    action: `review_${report.outcome}`,
    what,
    why: report.note ?? 'reported through the API',
    cause: `review_report:${reviewId}:${report.outcome}:${'at' in stored ? stored.at : stored.startsAt}`,
  });
  const after = await getReview(deps.db, accountId, reviewId);
  if (!after) throw new NotFoundError(`review "${reviewId}" of account "${accountId}"`);
  return after;
}
