import { daysToRenewal } from '#core/renewals/desk';
import { type AccountListQuery, type AccountRow, accountPage } from '#core/workbench/account-list';
import type { UseCaseDeps } from './account-view.ts';
import { loadBook, segmentOf } from './renewals.ts';

/** GET /v1/accounts: one page of the accounts that match, from the registry's health summaries and the profiles. */
export async function listAccounts(deps: UseCaseDeps, query: AccountListQuery) {
  const now = deps.clock.now();
  const rows: AccountRow[] = (await loadBook(deps)).map(({ account, health, risk }) => ({
    accountId: account.id,
    name: account.name,
    region: account.region,
    segment: segmentOf(deps, account, health),
    band: health?.band ?? 'unknown',
    score: health?.score ?? null,
    csm: account.csm,
    arr: account.contract.arr,
    currency: account.currency,
    renewalDate: account.contract.renewalDate,
    daysToRenewal: daysToRenewal(account.contract.renewalDate, now),
    openRisk: risk
      ? { riskId: risk.riskId, tier: risk.tier, primaryCause: risk.primaryCause, strategy: risk.strategy }
      : null,
  }));
  return { asOf: now.toISOString(), sort: query.sort, ...accountPage(rows, query) };
}
