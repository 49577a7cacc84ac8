import { churnedAtOf } from '#core/renewals/book';
import { daysToRenewal } from '#core/renewals/desk';
import { type AccountListQuery, type AccountRow, accountPage } from '#core/workbench/account-list';
import type { UseCaseDeps } from './account-view.ts';
import { loadBookWithContracts, segmentOf } from './renewals.ts';

/**
 * GET /v1/accounts: one page of the accounts that match, from the registry's health summaries, the profiles and the
 * contract histories (which tell the customers from the accounts that churned).
 */
export async function listAccounts(deps: UseCaseDeps, query: AccountListQuery) {
  const now = deps.clock.now();
  const rows: AccountRow[] = (await loadBookWithContracts(deps)).map((entry) => {
    const { account, health, risk } = entry;
    return {
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
      churnedAt: churnedAtOf(entry),
    };
  });
  return { asOf: now.toISOString(), status: query.status, sort: query.sort, ...accountPage(rows, query) };
}
