import * as z from 'zod';
import { DAY_MS } from '#core/clock';

export const REVIEW_KINDS = ['ebr', 'annual_customer_review', 'health_check', 'self_review'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** A business or health-check review: when it was asked for, when it is proposed, and how it went. */
export const reviewRecordSchema = z.object({
  reviewId: z.string(),
  accountId: z.string(),
  reviewKind: z.enum(REVIEW_KINDS),
  status: z.enum(['scheduled', 'held', 'missed']),
  scheduledAt: z.string(),
  startsAt: z.string(),
  invitedTo: z.array(z.string()),
  outcomeAt: z.string().optional(),
  /** A programme review: the cadence entry (or `journey_ebr`) of config.reviews it belongs to. */
  programme: z.string().optional(),
  /** `digital`: a self-review to complete by `startsAt`, no meeting. */
  format: z.enum(['meeting', 'digital']).optional(),
  /** The start times it had before it was rescheduled, oldest first. */
  rescheduledFrom: z.array(z.string()).optional(),
  /** Who recorded the outcome, and a note (POST /v1/accounts/{id}/reviews/{reviewId}). */
  outcomeBy: z.string().optional(),
  outcomeNote: z.string().optional(),
});
export type ReviewRecord = z.infer<typeof reviewRecordSchema>;

/** A renewal review's id: the checkpoint that asked for it and the renewal it prepares (`T-90-2026-09-30`). */
export const reviewIdFor = (checkpointRef: string, renewalDate: string) => `${checkpointRef}-${renewalDate}`;

/** The renewal date a renewal review prepares, read back from its id; undefined for other reviews. */
export function renewalOfReview(reviewId: string): string | undefined {
  return /(\d{4}-\d{2}-\d{2})$/.exec(reviewId)?.[1];
}

/** Days after its proposed start that a review without an outcome counts as overdue. */
export const REVIEW_OVERDUE_DAYS = 14;

/**
 * The account's latest review meeting (by start) is overdue when it was missed, or its time passed
 * REVIEW_OVERDUE_DAYS ago with no outcome; a review held since clears an earlier miss. A digital self-review has no
 * meeting to report on, so it never counts.
 */
export function reviewOverdue(reviews: readonly ReviewRecord[], now: Date): boolean {
  const limit = now.getTime() - REVIEW_OVERDUE_DAYS * DAY_MS;
  const meetings = reviews.filter((r) => r.format !== 'digital' && Date.parse(r.startsAt) <= now.getTime());
  const latest = meetings.reduce<ReviewRecord | undefined>(
    (found, r) => (found === undefined || r.startsAt > found.startsAt ? r : found),
    undefined,
  );
  if (!latest) return false;
  return latest.status === 'missed' || (latest.status === 'scheduled' && Date.parse(latest.startsAt) < limit);
}
