import type { Deps } from '#functions/shared/runtime';
import { getAccount } from '#store/account-store';
import { readContractHistory } from '#store/contract-history-store';
import { NotFoundError } from '#store/errors';
import { readHealthHistory } from '#store/health-store';
import { listReviews } from '#store/review-store';
import { listRisks } from '#store/risk-store';

/** How many score changes the history returns, newest first: a year of daily changes and then some. */
export const SCORE_HISTORY_LIMIT = 500;

/**
 * GET /v1/accounts/{id}/history: what an account's page charts and lists besides its current health: the score
 * changes (oldest first), every risk, every review and the contract history (ARR changes and renewal outcomes).
 */
export async function loadAccountHistory(deps: Pick<Deps, 'db'>, accountId: string) {
  if (!(await getAccount(deps.db, accountId))) throw new NotFoundError(`account "${accountId}"`);
  const [changes, risks, reviews, contract] = await Promise.all([
    readHealthHistory(deps.db, accountId, SCORE_HISTORY_LIMIT),
    listRisks(deps.db, accountId),
    listReviews(deps.db, accountId),
    readContractHistory(deps.db, accountId),
  ]);
  return {
    accountId,
    scores: changes
      .map((c) => ({ at: c.at, score: c.score, band: c.band, reason: c.reason, summary: c.summary }))
      .reverse(),
    risks,
    reviews,
    contract: [...contract].sort((a, b) => (a.at < b.at ? -1 : 1)),
  };
}
