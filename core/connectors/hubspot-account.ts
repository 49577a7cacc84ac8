import { type AccountInput, accountSchema } from '#core/accounts';
import { isNewerPatch } from './contract.ts';
import { minusMonths } from './crm-values.ts';
import type { HeldEvent, HeldObject } from './hubspot-contact.ts';
import type { HubspotMapping } from './mapping.ts';
import type { ProfileChange } from './profile.ts';
import { type AccountPatch, describeError } from './shared.ts';

/**
 * The source of a deal's contract values: `renewal` holds its renewal date, `amount` its amount and currency, so a
 * newer patch of one never hides the other (the webhook's patches and an account made from held deals alike).
 */
export const dealSourceRef = (dealId: string, holds: 'renewal' | 'amount') =>
  `hubspot:deal:${dealId}:${holds}`;

/**
 * A company created in HubSpot, as a churnguard account. HubSpot's webhooks are thin and arrive in any order: the
 * company's creation, its name, region and owner, a deal's association with it, the deal's renewal date and amount.
 * Each is held per HubSpot object (newer wins per property, store/hubspot-held-store.ts) and, once the company has
 * a name, a region and an owner the mapping knows, and one of its deals a renewal date and an amount, this drafts
 * the account that POST /v1/accounts then creates (usecases/hubspot-accounts.ts). From then on the account is an
 * account like any other: the webhooks patch its contract and profile as they do for accounts loaded by sync.
 */

type Stamp = { objectId: string; eventId: string; observedAt: string };

/** A company property change of a mapped property, as held for the company (values as HubSpot wrote them). */
export function heldCompanyProperty(
  stamp: Stamp,
  field: 'name' | 'region' | 'owner',
  value: string | undefined,
): HeldEvent {
  return { ...stamp, objectType: 'company', kind: 'property', field, value: value ?? null };
}

/** A deal's renewal date, amount, currency, stage or company, as held for the deal (values already read). */
export function heldDealProperty(
  stamp: Stamp,
  field: 'renewalDate' | 'amount' | 'currency' | 'stage' | 'company',
  value: string | null,
): HeldEvent {
  return { ...stamp, objectType: 'deal', kind: 'property', field, value };
}

/**
 * The account, and the events it was made of as the contract patches and profile changes they are (stamped with
 * the HubSpot events that said them), for the newer-wins records: so a replay of those events changes nothing and
 * an older one delivered late is not applied over the account.
 */
export type AccountDraft =
  | { account: AccountInput; dealId: string; patches: AccountPatch[]; profileChanges: ProfileChange[] }
  | { waiting: string };

type HeldValue = NonNullable<HeldObject['fields'][keyof HeldObject['fields']]>;
const stampOf = (field: HeldValue | undefined) =>
  field ? { eventId: field.eventId, observedAt: field.observedAt } : undefined;
const newest = (...stamps: (ReturnType<typeof stampOf> | undefined)[]) =>
  stamps
    .flatMap((s) => (s ? [s] : []))
    .sort((a, b) => (isNewerPatch(a, b) ? 1 : isNewerPatch(b, a) ? -1 : 0))
    .at(-1);

const heldValue = (held: HeldObject, field: keyof HeldObject['fields']) =>
  held.fields[field]?.value ?? undefined;

/**
 * The account a held company and its held deals make, or why not yet. The deal is the one renewing last among
 * the company's deals with a renewal date and an amount that are not lost (as `churnguard sync hubspot` picks it).
 */
export function draftHubspotAccount(
  accountId: string,
  company: HeldObject,
  deals: readonly HeldObject[],
  mapping: HubspotMapping,
): AccountDraft {
  if (company.deleted) return { waiting: 'deleted in HubSpot' };
  const name = heldValue(company, 'name');
  const region = heldValue(company, 'region');
  const owner = heldValue(company, 'owner');
  if (!name) return { waiting: `no ${mapping.companyProperties.name} yet` };
  if (!region) return { waiting: `no ${mapping.companyProperties.region} yet` };
  if (!owner) return { waiting: `no ${mapping.companyProperties.owner} yet` };
  const csm = Object.hasOwn(mapping.owners, owner) ? mapping.owners[owner] : undefined;
  if (!csm) return { waiting: `owner "${owner}" is not in hubspot.owners` };

  const contracts = deals
    .filter((deal) => !deal.deleted && heldValue(deal, 'company') === company.objectId)
    .filter((deal) => !mapping.deals.lostStages.includes(heldValue(deal, 'stage') ?? ''))
    .flatMap((deal) => {
      const renewalDate = heldValue(deal, 'renewalDate');
      const amount = heldValue(deal, 'amount');
      return renewalDate && amount !== undefined ? [{ deal, renewalDate, arr: Number(amount) }] : [];
    })
    .sort(
      (a, b) => a.renewalDate.localeCompare(b.renewalDate) || a.deal.objectId.localeCompare(b.deal.objectId),
    );
  const chosen = contracts.at(-1);
  if (!chosen) return { waiting: 'no deal of this company has a renewal date and an amount yet' };

  const startDate = minusMonths(chosen.renewalDate, mapping.newAccounts.contractMonths);
  const drafted = accountSchema.safeParse({
    id: accountId,
    name,
    region,
    arr: chosen.arr,
    currency: heldValue(chosen.deal, 'currency') ?? mapping.newAccounts.currency,
    goLiveDate: startDate,
    csm,
    contacts: [],
    contract: { startDate, renewalDate: chosen.renewalDate, arr: chosen.arr },
    externalIds: [{ kind: 'hubspot_deal', id: chosen.deal.objectId }],
  });
  if (!drafted.success) return { waiting: `not a valid account: ${describeError(drafted.error)}` };
  const account = drafted.data;
  const dealId = chosen.deal.objectId;
  const { fields: deal } = chosen.deal;
  const patch = { accountId, source: 'hubspot' as const, status: 'active' };
  const renewalStamp = stampOf(deal.renewalDate);
  const amountStamp = newest(stampOf(deal.amount), stampOf(deal.currency));
  const patches: AccountPatch[] = [
    ...(renewalStamp
      ? [
          {
            ...patch,
            ...renewalStamp,
            sourceRef: dealSourceRef(dealId, 'renewal'),
            contract: { renewalDate: account.contract.renewalDate },
          },
        ]
      : []),
    ...(amountStamp
      ? [
          {
            ...patch,
            ...amountStamp,
            sourceRef: dealSourceRef(dealId, 'amount'),
            contract: { arr: account.contract.arr },
            currency: account.currency,
          },
        ]
      : []),
  ];
  const profile = (field: 'name' | 'region' | 'owner') => {
    const stamp = stampOf(company.fields[field]);
    return stamp ? { accountId, source: 'hubspot' as const, ...stamp } : undefined;
  };
  const [nameStamp, regionStamp, ownerStamp] = [profile('name'), profile('region'), profile('owner')];
  const profileChanges: ProfileChange[] = [
    ...(nameStamp ? [{ ...nameStamp, field: 'name' as const, value: account.name }] : []),
    ...(regionStamp ? [{ ...regionStamp, field: 'region' as const, value: account.region }] : []),
    ...(ownerStamp ? [{ ...ownerStamp, field: 'csm' as const, value: account.csm }] : []),
  ];
  return { account, dealId, patches, profileChanges };
}
