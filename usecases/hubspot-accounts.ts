import { hubspotCompanyAccount } from '#core/connectors/hubspot';
import { draftHubspotAccount } from '#core/connectors/hubspot-account';
import { emptyHeld, type HeldObject } from '#core/connectors/hubspot-contact';
import type { ConnectorMapping } from '#core/connectors/mapping';
import { getAccount } from '#store/account-store';
import { applyAccountPatch } from '#store/contract-store';
import {
  companyDealIds,
  holdCompanyDeal,
  readAccountCreation,
  waitingContactIds,
  writeAccountCreation,
} from '#store/hubspot-account-store';
import { placeHeldContact, readHeld } from '#store/hubspot-held-store';
import { applyProfileChange } from '#store/profile-change-store';
import type { UseCaseDeps } from './account-view.ts';
import { upsertAccountsWithTimers } from './upsert-accounts.ts';

export interface HubspotAccounts {
  /** Accounts made of HubSpot companies by this delivery. */
  created: string[];
  /** Companies not yet an account, and what they wait for. */
  waiting: { companyId: string; reason: string }[];
}

/**
 * Makes accounts of the HubSpot companies these held records (companies and deals, as a delivery left them) touch,
 * when a company and one of its deals together make one (core/connectors/hubspot-account.ts). The account is
 * created as POST /v1/accounts creates it, timers and all (usecases/upsert-accounts.ts), once: the company's
 * creation item (store/hubspot-account-store.ts) is `creating` before the account is written and `created` after its
 * timers are, so a retry after a crash finishes the job and a replay does nothing. The events the account was
 * made of are recorded as applied (contract sources, profile fields), so their replays find nothing newer, and
 * contacts held for the account before it existed are placed on it. A company whose account already
 * exists and was not made here is left to the webhooks' patches and profile changes, as before.
 */
export async function createHubspotAccounts(
  deps: UseCaseDeps,
  touched: readonly HeldObject[],
  mapping: ConnectorMapping,
): Promise<HubspotAccounts> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const companies = new Set<string>();
  for (const held of touched) {
    if (held.objectType === 'company') companies.add(held.objectId);
    if (held.objectType !== 'deal') continue;
    const companyId = held.fields.company?.value;
    if (!companyId) continue;
    await holdCompanyDeal(db, companyId, held.objectId);
    companies.add(companyId);
  }

  const out: HubspotAccounts = { created: [], waiting: [] };
  for (const companyId of companies) {
    const resolved = hubspotCompanyAccount(companyId, mapping.hubspot);
    if (!('accountId' in resolved)) {
      out.waiting.push({ companyId, reason: 'missing' in resolved ? resolved.missing : 'no account' });
      continue;
    }
    const { accountId } = resolved;
    const creation = await readAccountCreation(db, companyId);
    if (creation?.state === 'created') continue;
    if (!creation && (await getAccount(db, accountId, { consistent: true }))) continue;

    const [company] = await readHeld(db, 'company', [companyId]);
    const deals = await readHeld(db, 'deal', await companyDealIds(db, companyId));
    const draft = draftHubspotAccount(
      accountId,
      company ?? emptyHeld('company', companyId),
      deals,
      mapping.hubspot,
    );
    if ('waiting' in draft) {
      out.waiting.push({ companyId, reason: draft.waiting });
      continue;
    }
    await writeAccountCreation(db, companyId, { accountId, state: 'creating', dealId: draft.dealId }, now);
    await upsertAccountsWithTimers(db, [draft.account], now, config);
    for (const patch of draft.patches) await applyAccountPatch(db, patch, now, mapping.contracts.arrFrom);
    for (const change of draft.profileChanges) await applyProfileChange(db, change, now);
    for (const contactId of await waitingContactIds(db, accountId))
      await placeHeldContact(db, contactId, now);
    await writeAccountCreation(db, companyId, { accountId, state: 'created', dealId: draft.dealId }, now);
    out.created.push(accountId);
  }
  return out;
}
