import * as z from 'zod';
import { entityId } from '#core/ids';
import { type AccountPatch, CONTRACT_SOURCES } from './shared.ts';

/**
 * Contract data from billing, kept per vendor object (`sourceRef`, e.g. one Stripe subscription) and combined
 * into the account's contract. Pure: the store reads the sources, calls these, and writes the outcome.
 */

/** Statuses under which a subscription still is a contract (Stripe's names). */
export const IN_FORCE_STATUSES: readonly string[] = ['active', 'trialing', 'past_due', 'unpaid'];

const isoDate = z.iso.date();

/** One vendor object's contract as last applied; `eventId` + `observedAt` say which delivery it came from. */
export const billingSourceSchema = z.object({
  sourceRef: z.string().min(1),
  source: z.enum(CONTRACT_SOURCES),
  eventId: z.string().min(1),
  observedAt: z.iso.datetime({ offset: true }),
  status: z.string(),
  renewalDate: isoDate.optional(),
  arr: z.number().finite().min(0).optional(),
  /** Why the last patch had no ARR; `arr` is then the previous value, if any. */
  arrUnavailable: z.string().optional(),
  currency: z.string().optional(),
});
export type BillingSource = z.infer<typeof billingSourceSchema>;

/** A contract patch whose account is not known yet, as parked in the store and read back. */
export const unboundPatchSchema = z.object({
  source: z.enum(CONTRACT_SOURCES),
  sourceRef: z.string().min(1),
  eventId: z.string().min(1),
  observedAt: z.iso.datetime({ offset: true }),
  status: z.string(),
  contract: z
    .object({
      renewalDate: isoDate.optional(),
      arr: z.number().finite().min(0).optional(),
      arrUnavailable: z.string().optional(),
    })
    .optional(),
  currency: z.string().optional(),
});

export const accountPatchSchema = unboundPatchSchema.extend({ accountId: entityId });

/**
 * Whether `patch` is newer than what was applied for its sourceRef. Vendors deliver out of order, so only a later
 * `observedAt` wins; two events of the same second are ordered by event id, which is arbitrary but makes the
 * outcome independent of delivery order. The same event again is not newer: replays change nothing.
 */
export function isNewerPatch(
  patch: Pick<AccountPatch, 'observedAt' | 'eventId'>,
  applied: Pick<BillingSource, 'observedAt' | 'eventId'> | undefined,
): boolean {
  if (!applied) return true;
  const at = Date.parse(patch.observedAt);
  const before = Date.parse(applied.observedAt);
  if (at !== before) return at > before;
  return patch.eventId > applied.eventId;
}

/** The source after applying a (newer) patch: an absent ARR keeps the previous one, as documented. */
export function applyPatch(current: BillingSource | undefined, patch: AccountPatch): BillingSource {
  const contract = patch.contract ?? {};
  const arr = contract.arr ?? current?.arr;
  const renewalDate = contract.renewalDate ?? current?.renewalDate;
  const currency = patch.currency ?? current?.currency;
  return {
    sourceRef: patch.sourceRef,
    source: patch.source,
    eventId: patch.eventId,
    observedAt: patch.observedAt,
    status: patch.status,
    ...(renewalDate === undefined ? {} : { renewalDate }),
    ...(arr === undefined ? {} : { arr }),
    ...(contract.arr === undefined && contract.arrUnavailable
      ? { arrUnavailable: contract.arrUnavailable }
      : {}),
    ...(currency === undefined ? {} : { currency }),
  };
}

export interface CombinedContract {
  /** The account's ARR from billing; absent when billing cannot say (nothing in force is priced in its currency). */
  arr?: number;
  /** The latest renewal among the sources in force; absent when none has one or it would precede the start. */
  renewalDate?: string;
  inForce: number;
  /** Why a source did not count, by sourceRef. */
  notes: Record<string, string>;
}

/**
 * Who carries an account's contract value when billing (Stripe) and the CRM (HubSpot, Salesforce) both send it:
 * `billing` (the default: what is invoiced) or `crm` (what was sold). The other side's sources still move the
 * renewal date; their amounts are noted and left out, so ARR, NRR/GRR and the desk count the contract once. An
 * account only one side feeds takes its value from that side.
 */
export const CONTRACT_VALUE_SOURCES = ['billing', 'crm'] as const;
export type ContractValueSource = (typeof CONTRACT_VALUE_SOURCES)[number];

const sideOf = (source: BillingSource): ContractValueSource =>
  source.source === 'stripe' ? 'billing' : 'crm';

/**
 * Combines an account's billing sources: ARR is the sum over the sources in force, of the side that carries the
 * contract value (`arrFrom`), priced in the account's currency (other currencies are not converted, they are
 * noted and left out); the renewal date is the latest among all the sources in force. When nothing is in force
 * any more, ARR is 0 and the renewal date is left alone.
 */
export function combineSources(
  sources: readonly BillingSource[],
  account: { currency: string; startDate?: string },
  arrFrom: ContractValueSource = 'billing',
): CombinedContract {
  const notes: Record<string, string> = {};
  const inForce = sources.filter((s) => IN_FORCE_STATUSES.includes(s.status));
  if (inForce.length === 0) return { arr: 0, inForce: 0, notes };
  const otherSide: ContractValueSource = arrFrom === 'billing' ? 'crm' : 'billing';
  const valueSide = inForce.some((s) => sideOf(s) === arrFrom) ? arrFrom : otherSide;
  let arr = 0;
  let priced = 0;
  for (const source of inForce) {
    if (sideOf(source) !== valueSide) {
      notes[source.sourceRef] =
        `${source.source} amount not counted in ARR: ${valueSide} carries the contract value (contracts.arrFrom)`;
    } else if (source.currency !== undefined && source.currency !== account.currency) {
      notes[source.sourceRef] =
        `priced in ${source.currency}, the account in ${account.currency}: not counted in ARR`;
    } else if (source.arr === undefined) {
      notes[source.sourceRef] = `ARR unknown: ${source.arrUnavailable ?? 'no ARR received yet'}`;
    } else {
      arr += source.arr;
      priced += 1;
    }
  }
  const renewals = inForce.flatMap((s) => (s.renewalDate ? [s.renewalDate] : [])).sort();
  let renewalDate = renewals.at(-1);
  if (renewalDate !== undefined && account.startDate !== undefined && renewalDate <= account.startDate) {
    notes.renewalDate = `renewal ${renewalDate} is not after the contract start ${account.startDate}: kept the account's`;
    renewalDate = undefined;
  }
  return {
    ...(priced > 0 ? { arr: Math.round(arr * 1000) / 1000 } : {}),
    ...(renewalDate === undefined ? {} : { renewalDate }),
    inForce: inForce.length,
    notes,
  };
}
