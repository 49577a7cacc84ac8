import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { DAY_MS } from '#core/clock';
import { REVIEW_OVERDUE_DAYS, type ReviewKind, type ReviewRecord } from '#core/workflows/review-record';
import { programmeSlot } from './decide.ts';
import { programmeEntry, programmeReviewId, programmeTimers } from './programme.ts';

/**
 * The reviews a CSM should look at (GET /v1/reviews?due=30d), each with its standing:
 * - `overdue`: a meeting whose start passed REVIEW_OVERDUE_DAYS ago with no outcome, or the account's latest review,
 *   missed (the same rule risk detection reads: core/workflows/review-record.ts reviewOverdue);
 * - `awaiting_outcome`: a meeting that started less than REVIEW_OVERDUE_DAYS ago with no outcome yet;
 * - `upcoming`: booked (invitations sent or decided), starting within the horizon;
 * - `planned`: the programme's next review, not booked yet (its invitations go on `invitationAt`), within the horizon,
 *   at the slot it will be proposed for.
 * Overdue first (oldest first), then by date. An account whose contract ended in churn has none: nobody holds a
 * review with a customer who left.
 */

export const REVIEW_STANDINGS = ['overdue', 'awaiting_outcome', 'upcoming', 'planned'] as const;
export type ReviewStanding = (typeof REVIEW_STANDINGS)[number];

export interface DueReview {
  standing: ReviewStanding;
  accountId: string;
  accountName: string;
  csm: string;
  /** Null for a planned review, which has no record yet. */
  reviewId: string | null;
  kind: ReviewKind;
  /** The programme entry (config.reviews) it belongs to; absent for a renewal review. */
  programme?: string;
  /** Start (a meeting), or the day to complete it by (a digital self-review); a planned one: its day. */
  startsAt: string;
  /** Whole days from now to the start; negative when it passed. */
  days: number;
  /** A planned review: when its invitations go. */
  invitationAt?: string;
  status?: ReviewRecord['status'];
}

const RANK: Record<ReviewStanding, number> = { overdue: 0, awaiting_outcome: 1, upcoming: 2, planned: 3 };

export interface BookEntry {
  account: AccountInput;
  reviews: readonly ReviewRecord[];
  /** The contract in force ended in churn (core/renewals/contract-history.ts contractChurned). */
  churned?: boolean;
}

function standingOf(
  review: ReviewRecord,
  latest: boolean,
  now: number,
  horizon: number,
): ReviewStanding | null {
  const start = Date.parse(review.startsAt);
  if (review.status === 'held') return null;
  if (review.format === 'digital')
    return review.status === 'scheduled' && start >= now && start <= horizon ? 'upcoming' : null;
  if (review.status === 'missed') return latest ? 'overdue' : null;
  if (start >= now) return start <= horizon ? 'upcoming' : null;
  return start < now - REVIEW_OVERDUE_DAYS * DAY_MS ? 'overdue' : 'awaiting_outcome';
}

export function reviewsDue(
  config: Config,
  book: readonly BookEntry[],
  now: Date,
  horizonDays: number,
): DueReview[] {
  const nowMs = now.getTime();
  const horizon = nowMs + horizonDays * DAY_MS;
  const days = (at: string) => Math.floor((Date.parse(at) - nowMs) / DAY_MS);
  const out: DueReview[] = [];
  for (const { account, reviews, churned } of book) {
    if (churned) continue;
    const base = { accountId: account.id, accountName: account.name, csm: account.csm.name };
    const latestStart = reviews.reduce((m, r) => (r.startsAt > m ? r.startsAt : m), '');
    for (const review of reviews) {
      const standing = standingOf(review, review.startsAt === latestStart, nowMs, horizon);
      if (!standing) continue;
      out.push({
        ...base,
        standing,
        reviewId: review.reviewId,
        kind: review.reviewKind,
        ...(review.programme ? { programme: review.programme } : {}),
        startsAt: review.startsAt,
        days: days(review.startsAt),
        status: review.status,
      });
    }
    for (const timer of programmeTimers(config, account, now)) {
      const entryId = String(timer.payload.entry);
      const reviewDate = String(timer.payload.reviewDate);
      const entry = programmeEntry(config, account, entryId);
      if (!entry) continue;
      const startsAt = programmeSlot(config, account, entry, reviewDate).start.toISOString();
      if (Date.parse(startsAt) > horizon) continue;
      if (reviews.some((r) => r.reviewId === programmeReviewId(entryId, reviewDate))) continue;
      out.push({
        ...base,
        standing: 'planned',
        reviewId: null,
        kind: entry.kind,
        programme: entryId,
        startsAt,
        days: days(startsAt),
        invitationAt: timer.dueAt,
      });
    }
  }
  return out
    .map((review) => ({ review, key: sortKey(review) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ review }) => review);
}

/** A review's place in the list, for paging: stable across calls while nothing changes. */
export function sortKey(review: DueReview): string {
  return [
    RANK[review.standing],
    review.startsAt,
    review.accountId,
    review.reviewId ?? `~${review.programme}`,
  ].join('|');
}
