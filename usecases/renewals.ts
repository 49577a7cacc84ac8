import type { Account } from '#core/accounts';
import { assignSegment } from '#core/health/segmentation';
import { effectiveHistory, outcomeOfRenewal } from '#core/renewals/contract-history';
import {
  DESK_HORIZON_DAYS,
  type DeskAccount,
  daysToRenewal,
  type RenewalCall,
  renewalDesk,
} from '#core/renewals/desk';
import { type Retention, retention } from '#core/renewals/retention';
import { daysOpen } from '#core/workflows/digest';
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

/** Every registered account with its profile, health summary and open risk. */
export async function loadBook(deps: UseCaseDeps) {
  const entries = await listPortfolio(deps.db);
  const [accounts, risks] = await Promise.all([
    getAccounts(
      deps.db,
      entries.map((e) => e.accountId),
    ),
    openRisksByAccount(deps),
  ]);
  const health = new Map<string, PortfolioEntry['health']>(entries.map((e) => [e.accountId, e.health]));
  return accounts
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((account) => ({ account, health: health.get(account.id), risk: risks.get(account.id) }));
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

/** GET /v1/renewals: the renewal desk (core/renewals/desk.ts). */
export async function loadRenewalDesk(deps: UseCaseDeps) {
  const now = deps.clock.now();
  const book = (await loadBook(deps)).filter(
    ({ account }) => daysToRenewal(account.contract.renewalDate, now) <= DESK_HORIZON_DAYS,
  );
  const ids = book.map(({ account }) => account.id);
  // Per account: its contract history and its reviews (a Query each); the CSMs' calls in batches of 100 keys.
  const [histories, reviews, calls] = await Promise.all([
    readContractHistories(deps.db, ids),
    mapLimit(ids, READS_IN_FLIGHT, (id) => listReviews(deps.db, id)),
    readRenewalCalls(deps.db, ids),
  ]);
  const desk: DeskAccount[] = book.map(({ account, health, risk }, i) => {
    const latestReview = [...(reviews[i] ?? [])].sort((a, b) => (a.startsAt < b.startsAt ? 1 : -1))[0];
    return {
      accountId: account.id,
      name: account.name,
      region: account.region,
      segment: segmentOf(deps, account, health),
      csm: account.csm.name,
      currency: account.currency,
      arr: account.contract.arr,
      renewalDate: account.contract.renewalDate,
      score: health?.score ?? null,
      band: health?.band ?? 'unknown',
      openRisk: risk
        ? {
            riskId: risk.riskId,
            tier: risk.tier,
            triggers: risk.triggers,
            primaryCause: risk.primaryCause,
            strategy: risk.strategy,
            openedAt: risk.openedAt,
          }
        : null,
      lastReview: latestReview
        ? { reviewKind: latestReview.reviewKind, status: latestReview.status, at: latestReview.startsAt }
        : null,
      outcome: outcomeOfRenewal(histories.get(account.id) ?? [], account.contract.renewalDate),
      call: calls.get(account.id) ?? null,
    };
  });
  return renewalDesk(desk, now);
}

/** GET /v1/retention: trailing-12-month retention (core/renewals/retention.ts). */
export async function loadRetention(deps: UseCaseDeps): Promise<Retention> {
  const book = await loadBook(deps);
  const histories = await readContractHistories(
    deps.db,
    book.map(({ account }) => account.id),
  );
  return retention(
    book.map(({ account, health, risk }) => ({
      accountId: account.id,
      segment: segmentOf(deps, account, health),
      region: account.region,
      atRisk: risk !== undefined,
      history: effectiveHistory(
        { createdAt: account.createdAt, arr: account.contract.arr, currency: account.currency },
        histories.get(account.id) ?? [],
      ),
    })),
    deps.clock.now(),
  );
}

/** How many drivers of each red account the risk list shows. */
export const TOP_DRIVERS = 3;

/**
 * GET /v1/risks: every open risk (the red-account process, seed 002) with its account, root causes, tier,
 * strategy, days open and the account's top drivers, the oldest risk first.
 */
export async function loadOpenRisks(deps: UseCaseDeps) {
  const now = deps.clock.now();
  const book = (await loadBook(deps)).filter((entry) => entry.risk !== undefined);
  const records = await readHealths(
    deps.db,
    book.map(({ account }) => account.id),
  );
  const risks = book.flatMap(({ account, health, risk }) =>
    risk
      ? [
          {
            ...risk,
            accountName: account.name,
            segment: segmentOf(deps, account, health),
            score: health?.score ?? null,
            band: health?.band ?? 'unknown',
            daysOpen: daysOpen(risk.openedAt, now),
            drivers: (records.get(account.id)?.snapshot.drivers ?? []).slice(0, TOP_DRIVERS),
          },
        ]
      : [],
  );
  return { asOf: now.toISOString(), risks: risks.sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1)) };
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
