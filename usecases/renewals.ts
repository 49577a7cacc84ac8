import type { Account } from '#core/accounts';
import { assignSegment } from '#core/health/segmentation';
import {
  type BookEntry,
  type BookEntryWithContract,
  deskOfBook,
  openRisksOfBook,
  retentionOfBook,
} from '#core/renewals/book';
import { DESK_HORIZON_DAYS, daysToRenewal, type RenewalCall } from '#core/renewals/desk';
import type { Retention } from '#core/renewals/retention';
import type { RiskRecord } from '#core/workflows/risk-record';
import { getAccount, getAccounts } from '#store/account-store';
import { readContractHistories, readRenewalCalls, saveRenewalCall } from '#store/contract-history-store';
import { NotFoundError } from '#store/errors';
import { readHealths } from '#store/health-store';
import { mapLimit } from '#store/parallel';
import { listPortfolio, type PortfolioEntry } from '#store/portfolio-store';
import { listReviews } from '#store/review-store';
import { openRisksInRegion, riskRegions } from '#store/risk-store';
import type { UseCaseDeps } from './account-view.ts';

const READS_IN_FLIGHT = 16;

/** Every registered account with its profile, health summary and open risk (core/renewals/book.ts). */
export async function loadBook(deps: UseCaseDeps): Promise<BookEntry[]> {
  const entries = await listPortfolio(deps.db);
  const [accounts, risks] = await Promise.all([
    getAccounts(
      deps.db,
      entries.map((e) => e.accountId),
    ),
    openRisksByAccount(deps),
  ]);
  const health = new Map(entries.map((e) => [e.accountId, e.health]));
  return accounts
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((account) => {
      const summary = health.get(account.id);
      const risk = risks.get(account.id);
      return { account, ...(summary ? { health: summary } : {}), ...(risk ? { risk } : {}) };
    });
}

async function openRisksByAccount(deps: UseCaseDeps): Promise<Map<string, RiskRecord>> {
  const regions = await riskRegions(deps.db);
  const risks = (
    await mapLimit(regions, READS_IN_FLIGHT, (region) => openRisksInRegion(deps.db, region))
  ).flat();
  return new Map(risks.map((risk) => [risk.accountId, risk]));
}

/** The account's segment as last scored, else as its profile and the config place it. */
export function segmentOf(deps: UseCaseDeps, account: Account, health: PortfolioEntry['health']): string {
  return health?.segment ?? assignSegment(deps.config, account).segment;
}

/** The entries with their contract history read. */
async function withContracts(deps: UseCaseDeps, book: BookEntry[]): Promise<BookEntryWithContract[]> {
  const histories = await readContractHistories(
    deps.db,
    book.map(({ account }) => account.id),
  );
  return book.map((entry) => ({ ...entry, contract: histories.get(entry.account.id) ?? [] }));
}

/** The entries with their latest review (a Query each) and the CSM's call (in batches of 100 keys) read. */
async function withReviewsAndCalls(deps: UseCaseDeps, book: BookEntry[]): Promise<BookEntry[]> {
  const ids = book.map(({ account }) => account.id);
  const [reviews, calls] = await Promise.all([
    mapLimit(ids, READS_IN_FLIGHT, (id) => listReviews(deps.db, id)),
    readRenewalCalls(deps.db, ids),
  ]);
  return book.map((entry, i) => {
    const latest = [...(reviews[i] ?? [])].sort((a, b) => (a.startsAt < b.startsAt ? 1 : -1))[0];
    return {
      ...entry,
      latestReview: latest
        ? { reviewKind: latest.reviewKind, status: latest.status, at: latest.startsAt }
        : null,
      call: calls.get(entry.account.id) ?? null,
    };
  });
}

/** The entries of accounts with an open risk, with their health drivers read in batches. */
async function withDrivers(deps: UseCaseDeps, book: BookEntry[]): Promise<BookEntry[]> {
  const records = await readHealths(
    deps.db,
    book.filter((entry) => entry.risk).map(({ account }) => account.id),
  );
  return book.map((entry) =>
    entry.risk ? { ...entry, drivers: records.get(entry.account.id)?.snapshot.drivers ?? [] } : entry,
  );
}

/**
 * The registered accounts (those `which` keeps, before any history is read) with their contract history: what tells
 * a customer from an account that churned.
 */
export async function loadBookWithContracts(
  deps: UseCaseDeps,
  which: (entry: BookEntry) => boolean = () => true,
): Promise<BookEntryWithContract[]> {
  return withContracts(deps, (await loadBook(deps)).filter(which));
}

/**
 * Everything the desk, retention and the risk list know of every account: what a simulation keeps at its end, so
 * `churnguard report` computes those answers from a backtest with the same functions the API uses.
 */
export async function loadWholeBook(deps: UseCaseDeps): Promise<BookEntry[]> {
  return withDrivers(deps, await withReviewsAndCalls(deps, await loadBookWithContracts(deps)));
}

/** GET /v1/renewals: the renewal desk (core/renewals/desk.ts). */
export async function loadRenewalDesk(deps: UseCaseDeps) {
  const now = deps.clock.now();
  const due = (await loadBook(deps)).filter(
    ({ account }) => daysToRenewal(account.contract.renewalDate, now) <= DESK_HORIZON_DAYS,
  );
  return deskOfBook(deps.config, await withReviewsAndCalls(deps, await withContracts(deps, due)), now);
}

/** GET /v1/retention: trailing-12-month retention (core/renewals/retention.ts). */
export async function loadRetention(deps: UseCaseDeps): Promise<Retention> {
  return retentionOfBook(deps.config, await loadBookWithContracts(deps), deps.clock.now());
}

/**
 * GET /v1/risks: every open risk (the red-account process, seed 002) with its account, root causes, tier,
 * strategy, days open and the account's top drivers, the oldest risk first.
 */
export async function loadOpenRisks(deps: UseCaseDeps) {
  const atRisk = (await loadBook(deps)).filter((entry) => entry.risk !== undefined);
  return openRisksOfBook(deps.config, await withDrivers(deps, atRisk), deps.clock.now());
}

/** POST /v1/renewals/{id}/call: the CSM's own forecast of the account's current renewal. */
export async function callRenewal(
  deps: UseCaseDeps,
  accountId: string,
  input: Pick<RenewalCall, 'category' | 'note' | 'by'>,
): Promise<RenewalCall> {
  const account = await getAccount(deps.db, accountId, { consistent: true });
  if (!account) throw new NotFoundError(`account "${accountId}"`);
  const call: RenewalCall = {
    ...input,
    renewalDate: account.contract.renewalDate,
    at: deps.clock.now().toISOString(),
  };
  await saveRenewalCall(deps.db, accountId, call);
  return call;
}
