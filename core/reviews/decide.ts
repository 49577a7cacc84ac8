import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Decision, Effect, MessageDraft } from '#core/effects/effect';
import { zonedInstant } from '#core/journeys/local-time';
import type { AccountView } from '#core/workflows/account-view';
import {
  invitationMessages,
  proposeReview,
  type ReviewSlot,
  reviewAttendees,
} from '#core/workflows/review-invitation';
import { addDays, weekdayOf } from './calendar.ts';
import { coveringReview, coverReason } from './covering.ts';
import {
  type ProgrammeEntry,
  programmeEntry,
  programmeOf,
  programmeReviewId,
  programmeTimers,
  reviewRetryRef,
  reviewTimerRef,
} from './programme.ts';

export interface ProgrammeReviewInput {
  /** The entry's timer ref (`review.acr`); a retry carries the original's. */
  ref: string;
  /** The programme entry (`acr`, `journey.value_75`). */
  entry: string;
  /** The day of the review, YYYY-MM-DD. */
  reviewDate: string;
  /** When the timer was due. */
  at: string;
  /** Deterministic id of this run (timeline cause). */
  cause: string;
  /** A re-run for invitations restraint deferred: only the invitations are decided again. */
  retry?: boolean;
}

/**
 * The slot of a programme review: `reviews.startHourLocal` on the review day in the time zone of the first contact
 * invited (UTC without one), moved off the restraint's quiet days (a review is not proposed for a Saturday).
 */
export function programmeSlot(
  config: Config,
  account: AccountInput,
  entry: ProgrammeEntry,
  reviewDate: string,
): ReviewSlot {
  const audience = programmeOf(config, account)?.programme.audience;
  const timeZone = reviewAttendees(config, account, entry.play, audience)[0]?.timezone ?? 'UTC';
  let day = reviewDate;
  for (let i = 0; i < 7 && config.restraint.quietDays.includes(weekdayOf(day)); i++) {
    day = addDays(day, 1);
  }
  return {
    start: zonedInstant(day, config.reviews.startHourLocal, timeZone),
    durationMinutes: config.reviews.durationMinutes,
    format: entry.format,
    play: entry.play,
    ...(audience ? { audience } : {}),
    programme: entry.id,
  };
}

const timeline = (what: string, why: string, cause: string): Effect => ({
  kind: 'timeline',
  entry: { action: 'review_programme', what, why, cause },
});

/**
 * One programme review coming due (its invitation day): the review is booked once and its invitations go, through
 * the executor and restraint, to the CSM and the contacts of the segment's audience; the entry's next review is
 * scheduled. Nothing here reads the renewal date: a renewal that moves changes no programme review.
 */
export function decideProgrammeReview(
  config: Config,
  view: AccountView,
  input: ProgrammeReviewInput,
): Decision {
  const { account } = view;
  const next: Effect[] = input.retry
    ? []
    : programmeTimers(config, account, new Date(input.at))
        .filter((t) => t.ref === reviewTimerRef(input.entry))
        .map((timer) => ({ kind: 'set_timer', timer }));
  if (view.facts.churned) {
    const why = 'the account churned';
    return {
      summary: `skipped: ${why}`,
      effects: input.retry ? [] : [timeline(`Programme review ${input.entry} skipped`, why, input.cause)],
    };
  }
  const entry = programmeEntry(config, account, input.entry);
  if (!entry) {
    const why = `the account's review programme no longer holds ${input.entry}`;
    return {
      summary: `skipped: ${why}`,
      effects: input.retry ? [] : [timeline(`Programme review ${input.entry} skipped`, why, input.cause)],
    };
  }
  const reviewId = programmeReviewId(entry.id, input.reviewDate);
  const reason = entry.id.startsWith('journey.')
    ? `the journey's executive business review at ${entry.id.slice('journey.'.length)} (go-live ${account.goLiveDate})`
    : `the review programme's ${entry.id} review of ${input.reviewDate}`;
  const retry: MessageDraft['retry'] = {
    kind: 'review',
    accountId: account.id,
    ref: reviewRetryRef(entry.id),
    payload: { entry: entry.id, reviewDate: input.reviewDate, retryOf: input.ref },
  };
  const slot = programmeSlot(config, account, entry, input.reviewDate);
  const existing = view.reviews.find((r) => r.reviewId === reviewId);
  if (existing) {
    if (existing.status !== 'scheduled') {
      return { summary: `the review is already ${existing.status}`, effects: next };
    }
    // Booked before: its invitations are decided again (a deferred one goes when restraint allows).
    const proposed = proposeReview(
      config,
      account,
      existing.reviewKind,
      reviewId,
      new Date(existing.scheduledAt),
      reason,
      {
        ...slot,
        start: new Date(existing.startsAt),
      },
    );
    return {
      summary: 'invitations decided again',
      effects: [
        ...invitationMessages(config, view, { ...proposed, review: existing }, reason, retry),
        ...next,
      ],
    };
  }
  if (input.retry) return { summary: 'nothing to retry: the review was never booked', effects: [] };
  const cover = coveringReview(config.reviews, view.reviews, slot.start);
  if (cover) {
    const why = coverReason(cover);
    return {
      summary: `not booked: ${why}`,
      effects: [
        timeline(`Programme review ${entry.id} of ${input.reviewDate} not booked`, why, input.cause),
        ...next,
      ],
    };
  }
  const proposed = proposeReview(config, account, entry.kind, reviewId, new Date(input.at), reason, slot);
  return {
    summary: `${proposed.title} proposed for ${proposed.when}`,
    effects: [
      { kind: 'create_review', review: proposed.review },
      {
        kind: 'timeline',
        entry: {
          action: 'review_scheduled',
          what: `${proposed.title} proposed for ${proposed.when}`,
          why: reason,
          cause: `review:${input.cause}`,
          details: { reviewId, kind: entry.kind, programme: entry.id },
        },
      },
      ...invitationMessages(config, view, proposed, reason, retry),
      ...next,
    ],
  };
}
