import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Decision, MessageDraft } from '#core/effects/effect';
import type { AccountView } from '#core/workflows/account-view';
import {
  invitationMessages,
  proposeReview,
  type ReviewSlot,
  renewalReviewSlot,
} from '#core/workflows/review-invitation';
import type { ReviewRecord } from '#core/workflows/review-record';
import type { Timer } from '#core/workflows/timers';
import { programmeSlot } from './decide.ts';
import { programmeEntry } from './programme.ts';

/**
 * A review moved to a new start (POST /v1/accounts/{id}/reviews/{reviewId} `rescheduled`) sends an updated
 * invitation: the same .ics UID, `SEQUENCE` the number of times it was moved, the new time. A `review` timer due at
 * once carries the reschedule to the ReviewProgramme workflow, so the update goes through the one executor, its
 * restraint and its ledgers like every invitation, exactly once per reschedule (the send ledger's occurrence is
 * `update.<n>`: a replayed dispatch finds it sent).
 */

/** Not `review.`-prefixed: the programme's timer sync leaves it alone. */
export const rescheduleTimerRef = (reviewId: string) => `reschedule.${reviewId}`;

/** How many times a review was moved: its .ics SEQUENCE. */
export const rescheduleCount = (review: Pick<ReviewRecord, 'rescheduledFrom'>) =>
  review.rescheduledFrom?.length ?? 0;

/** The timer that sends a moved review's updated invitations, due `at` (when the reschedule was recorded). */
export function rescheduleTimer(review: ReviewRecord, at: Date): Timer {
  return {
    kind: 'review',
    accountId: review.accountId,
    ref: rescheduleTimerRef(review.reviewId),
    dueAt: at.toISOString(),
    payload: { update: review.reviewId, sequence: rescheduleCount(review) },
  };
}

/**
 * The slot a booked review has now: a programme review keeps its entry's play, audience and length; a renewal
 * review the renewal review's. The start, format and sequence are the review's own.
 */
export function bookedReviewSlot(config: Config, account: AccountInput, review: ReviewRecord): ReviewSlot {
  const entry = review.programme ? programmeEntry(config, account, review.programme) : null;
  const base = entry
    ? programmeSlot(config, account, entry, review.startsAt.slice(0, 10))
    : renewalReviewSlot(new Date(review.scheduledAt));
  return {
    ...base,
    start: new Date(review.startsAt),
    format: review.format ?? 'meeting',
    sequence: rescheduleCount(review),
  };
}

export interface ReviewUpdateInput {
  /** The reschedule timer's ref; a retry carries the original's. */
  ref: string;
  reviewId: string;
  /** The reschedule this update is for (the review's count of moves when it was recorded). */
  sequence: number;
  /** When the timer was due: the .ics DTSTAMP. */
  at: string;
}

/** The updated invitations of a review moved for the `sequence`-th time; nothing when it moved again since. */
export function decideReviewUpdate(config: Config, view: AccountView, input: ReviewUpdateInput): Decision {
  const review = view.reviews.find((r) => r.reviewId === input.reviewId);
  if (!review) return { summary: `no review ${input.reviewId}`, effects: [] };
  if (view.facts.churned) return { summary: 'skipped: the account churned', effects: [] };
  if (review.status !== 'scheduled') {
    return { summary: `no update: the review is already ${review.status}`, effects: [] };
  }
  const moves = rescheduleCount(review);
  if (moves !== input.sequence) {
    return {
      summary: `no update: move ${input.sequence} was superseded (the review has moved ${moves} times)`,
      effects: [],
    };
  }
  const from = review.rescheduledFrom?.at(-1) ?? review.startsAt;
  const reason = `the review moved from ${from} to ${review.startsAt}`;
  const retry: MessageDraft['retry'] = {
    kind: 'review',
    accountId: review.accountId,
    ref: `${input.ref}.retry`,
    payload: { update: review.reviewId, sequence: moves, retryOf: input.ref },
  };
  const slot = bookedReviewSlot(config, view.account, review);
  const proposed = proposeReview(
    config,
    view.account,
    review.reviewKind,
    review.reviewId,
    new Date(input.at),
    reason,
    slot,
  );
  return {
    summary: `updated invitations (sequence ${moves}) for ${proposed.when}`,
    effects: invitationMessages(config, view, { ...proposed, review }, reason, retry),
  };
}
