import type { Clock } from '#core/clock';
import { rescheduleCount, rescheduleTimer } from '#core/reviews/reschedule';
import type { Db } from '#store/client';
import { NotFoundError } from '#store/errors';
import { getReview, reportReviewOutcome } from '#store/review-store';
import { recordTimeline } from '#store/timeline-store';
import { scheduleTimer } from '#store/timer-store';

export type ReviewReport =
  | { outcome: 'held' | 'missed'; at: string | null; by: string; note: string | null }
  | { outcome: 'rescheduled'; startsAt: string; by: string; note: string | null };

/**
 * A CSM reports how a review went: held, missed (evidence for risk detection), or rescheduled to a new start. The
 * review is updated and the account's timeline says so, once per report. A reschedule also sets the timer whose
 * workflow sends the updated invitations (core/reviews/reschedule.ts); the same reschedule reported again moves
 * nothing and sends nothing more (the timer is set again, in case the first report stopped before it, and its
 * workflow finds the update in the send ledger).
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
  const repeated = report.outcome === 'rescheduled' && sameInstant(before.startsAt, report.startsAt);
  // A repeated report finds the move made: the start it moved from is the last one kept.
  const previous = repeated ? before.rescheduledFrom?.at(-1) : before.startsAt;
  const stored =
    report.outcome === 'rescheduled'
      ? { ...report, previous: previous ?? before.startsAt }
      : { ...report, at: report.at ?? now };
  if (!repeated && !(await reportReviewOutcome(deps.db, accountId, reviewId, stored))) {
    throw new NotFoundError(`review "${reviewId}" of account "${accountId}"`);
  }
  const what =
    stored.outcome === 'rescheduled'
      ? `Review ${reviewId} rescheduled from ${stored.previous} to ${stored.startsAt} by ${report.by}`
      : `Review ${reviewId} ${report.outcome} (reported by ${report.by})`;
  // Written once per cause: a report repeated after a crash before this line still leaves its entry.
  if (previous !== undefined) {
    await recordTimeline(deps.db, {
      accountId,
      at: now,
      action: `review_${report.outcome}`,
      what,
      why: report.note ?? 'reported through the API',
      cause: `review_report:${reviewId}:${report.outcome}:${'at' in stored ? stored.at : stored.startsAt}`,
    });
  }
  const after = await getReview(deps.db, accountId, reviewId);
  if (!after) throw new NotFoundError(`review "${reviewId}" of account "${accountId}"`);
  if (report.outcome === 'rescheduled' && after.status === 'scheduled' && rescheduleCount(after) > 0) {
    await scheduleTimer(deps.db, rescheduleTimer(after, deps.clock.now()));
  }
  return after;
}

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);
