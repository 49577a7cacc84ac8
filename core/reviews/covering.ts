import type { ReviewsConfig } from '#config/reviews-schema';
import { DAY_MS } from '#core/clock';
import type { ReviewRecord } from '#core/workflows/review-record';

/**
 * The one rule that keeps a customer from two review invitations for the same weeks, for the programme's reviews
 * and the renewal review alike: another review of the account, not missed (scheduled or held), starting within
 * `reviews.coveredWithinDays` of `start` covers the one about to be booked. Undefined when none does (or the
 * window is 0).
 */
export function coveringReview(
  reviews: Pick<ReviewsConfig, 'coveredWithinDays'>,
  booked: readonly ReviewRecord[],
  start: Date,
): ReviewRecord | undefined {
  const window = reviews.coveredWithinDays * DAY_MS;
  if (window === 0) return undefined;
  return booked.find(
    (r) => r.status !== 'missed' && Math.abs(Date.parse(r.startsAt) - start.getTime()) <= window,
  );
}

/** How the timeline says which review covers another. */
export const coverReason = (cover: ReviewRecord) =>
  `${cover.reviewKind} ${cover.reviewId} (${cover.status}, starting ${cover.startsAt.slice(0, 10)}) covers it`;
