import { type DueReview, type ReviewStanding, reviewsDue, sortKey } from '#core/reviews/due';
import { getAccounts } from '#store/account-store';
import { readContractChurned } from '#store/contract-history-store';
import { NotFoundError } from '#store/errors';
import { mapLimit } from '#store/parallel';
import { listPortfolio } from '#store/portfolio-store';
import { listReviews } from '#store/review-store';
import type { UseCaseDeps } from './account-view.ts';

const READS_IN_FLIGHT = 16;

export interface ReviewsDueQuery {
  /** Days ahead that upcoming and planned reviews are listed for (overdue ones always are). */
  days: number;
  limit: number;
  /** The sort key of the last review of the previous page (opaque to callers). */
  after: string | null;
  /** One account's reviews only; null for every account. */
  accountId: string | null;
}

export interface ReviewsDuePage {
  asOf: string;
  dueWithinDays: number;
  /** Every matching review, by standing (all pages). */
  counts: Record<ReviewStanding, number>;
  reviews: DueReview[];
  /** The sort key to continue after, or null on the last page. */
  next: string | null;
}

/**
 * GET /v1/reviews: upcoming, planned, awaiting-outcome and overdue reviews of every account (or of one), a page at a
 * time; none of an account whose contract ended in churn.
 */
export async function loadReviewsDue(deps: UseCaseDeps, query: ReviewsDueQuery): Promise<ReviewsDuePage> {
  const now = deps.clock.now();
  const ids =
    query.accountId === null ? (await listPortfolio(deps.db)).map((e) => e.accountId) : [query.accountId];
  const accounts = await getAccounts(deps.db, ids);
  if (query.accountId !== null && accounts.length === 0) {
    throw new NotFoundError(`account "${query.accountId}"`);
  }
  const book = await mapLimit(accounts, READS_IN_FLIGHT, async (account) => {
    const [reviews, churned] = await Promise.all([
      listReviews(deps.db, account.id),
      readContractChurned(deps.db, account),
    ]);
    return { account, reviews, churned };
  });
  const all = reviewsDue(deps.config, book, now, query.days);
  const counts: Record<ReviewStanding, number> = { overdue: 0, awaiting_outcome: 0, upcoming: 0, planned: 0 };
  for (const review of all) counts[review.standing]++;
  const after = query.after;
  const rest = after === null ? all : all.filter((review) => sortKey(review) > after);
  const reviews = rest.slice(0, query.limit);
  const last = reviews.at(-1);
  return {
    asOf: now.toISOString(),
    dueWithinDays: query.days,
    counts,
    reviews,
    next: rest.length > query.limit && last ? sortKey(last) : null,
  };
}
