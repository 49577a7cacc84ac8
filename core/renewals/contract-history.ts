import * as z from 'zod';
import { RENEWAL_OUTCOMES, type RenewalOutcome } from '#core/signals';

/**
 * What an account's contract was worth, and from when: the history retention is computed from. The profile holds
 * only today's contract, so each change of its ARR (or currency) and each renewal outcome is kept as an event:
 *
 * - `recorded`: the contract as first stored (when churnguard first learnt of the account);
 * - `changed`: an upsert or a billing patch changed the contract's ARR or the account's currency;
 * - `outcome`: a `renewal_outcome` signal; `churned` brings the ARR to 0 from then on, the others keep it (a new
 *   value comes with the upsert or billing patch that carries it).
 *
 * `previousArr` is what the contract was worth just before, so an account stored before this history was kept
 * still has a value for its earlier days (see effectiveHistory).
 */
export const CONTRACT_EVENT_CAUSES = ['recorded', 'changed', 'outcome'] as const;

export const contractEventSchema = z.object({
  accountId: z.string(),
  at: z.string(),
  cause: z.enum(CONTRACT_EVENT_CAUSES),
  arr: z.number().nonnegative(),
  previousArr: z.number().nonnegative().nullable(),
  currency: z.string(),
  /** The renewal date of the contract in force when this happened: an outcome resolves that renewal. */
  renewalDate: z.string(),
  outcome: z.enum(RENEWAL_OUTCOMES).optional(),
});
export type ContractEvent = z.infer<typeof contractEventSchema>;

/** One value of an account's ARR, holding from `at` until the next point. */
export interface ArrPoint {
  at: string;
  arr: number;
  currency: string;
}

/** The ARR of a churned account: it pays nothing from the day it left. */
const CHURNED_ARR = 0;

export function outcomeEvent(input: {
  accountId: string;
  at: string;
  outcome: RenewalOutcome;
  contractArr: number;
  currency: string;
  renewalDate: string;
}): ContractEvent {
  return {
    accountId: input.accountId,
    at: input.at,
    cause: 'outcome',
    arr: input.outcome === 'churned' ? CHURNED_ARR : input.contractArr,
    previousArr: input.contractArr,
    currency: input.currency,
    renewalDate: input.renewalDate,
    outcome: input.outcome,
  };
}

/** The event an upsert or billing patch leaves, or none when the ARR and currency stay as they were. */
export function changeEvent(
  before: { arr: number; currency: string } | undefined,
  after: { accountId: string; arr: number; currency: string; renewalDate: string },
  at: string,
): ContractEvent | undefined {
  if (before && before.arr === after.arr && before.currency === after.currency) return undefined;
  return {
    accountId: after.accountId,
    at,
    cause: before ? 'changed' : 'recorded',
    arr: after.arr,
    previousArr: before?.arr ?? null,
    currency: after.currency,
    renewalDate: after.renewalDate,
  };
}

const byTime = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/**
 * The ARR points of an account, oldest first. An account stored before its history was kept (no `recorded`
 * event) is taken to have held, from its creation, what its first change replaced (or its profile's ARR when it
 * never changed).
 */
export function effectiveHistory(
  profile: { createdAt: string; arr: number; currency: string },
  events: readonly ContractEvent[],
): ArrPoint[] {
  const sorted = [...events].sort(byTime);
  const first = sorted[0];
  const points: ArrPoint[] =
    first?.cause === 'recorded'
      ? []
      : [
          {
            at: profile.createdAt,
            arr: first?.previousArr ?? profile.arr,
            currency: first?.currency ?? profile.currency,
          },
        ];
  for (const event of sorted) points.push({ at: event.at, arr: event.arr, currency: event.currency });
  return points;
}

/** The ARR in force at an instant: the latest point at or before it; undefined before the first. */
export function arrAt(points: readonly ArrPoint[], at: string): ArrPoint | undefined {
  let found: ArrPoint | undefined;
  for (const point of points) if (point.at <= at) found = point;
  return found;
}

/** The outcome recorded for this renewal (the contract's renewal date when the outcome came), if any. */
export function outcomeOfRenewal(
  events: readonly ContractEvent[],
  renewalDate: string,
): { outcome: RenewalOutcome; at: string } | null {
  const outcomes = events
    .filter((e) => e.cause === 'outcome' && e.renewalDate === renewalDate && e.outcome)
    .sort(byTime);
  const last = outcomes.at(-1);
  return last?.outcome ? { outcome: last.outcome, at: last.at } : null;
}

/**
 * Whether the contract in force ended in churn: its renewal's outcome is `churned`. This outlives the lookback
 * the rollups cover (a churn is in them for 180 days only); a new contract, with another renewal date, starts
 * afresh.
 */
export function contractChurned(events: readonly ContractEvent[], renewalDate: string): boolean {
  return churnedAt(events, renewalDate) !== null;
}

/**
 * Whether the account is churned now. The history judges: the contract in force ended in churn (contractChurned).
 * A churn the lookback's rollups show counts as well when the history has no churn recorded (an outcome that came
 * before the account was stored); one the history has is of the renewal it names, so an account won back since (a
 * new renewal date from the CRM or from billing, whatever its start date) is a customer again at once.
 */
export function churnedNow(
  events: readonly ContractEvent[],
  renewalDate: string,
  churnInLookback: boolean,
): boolean {
  if (contractChurned(events, renewalDate)) return true;
  return churnInLookback && !events.some((e) => e.cause === 'outcome' && e.outcome === 'churned');
}

/** When the contract in force ended in churn (the outcome's instant), or null while it is a customer's. */
export function churnedAt(events: readonly ContractEvent[], renewalDate: string): string | null {
  const resolved = outcomeOfRenewal(events, renewalDate);
  return resolved?.outcome === 'churned' ? resolved.at : null;
}
