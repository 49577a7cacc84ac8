import type { TipCadence } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { DAY_MS } from '#core/clock';
import type { Timer } from '#core/workflows/timers';
import { journeyFor } from './milestone-status.ts';

/** One pointer per account: each tip moves it to the next (DESIGN decision 3). */
export const TIP_TIMER_REF = 'tip';
/** The retry of a tip restraint deferred (quiet hours); it never schedules the next tip. */
export const DEFERRED_TIP_TIMER_REF = 'tip.deferred';

/** The tip cadence of the account's segment, or null when the segment sends no tips. */
export function tipCadenceOf(
  config: Config,
  account: AccountInput,
): { segment: string; cadence: TipCadence } | null {
  const { segment, plays } = journeyFor(config, account);
  return plays?.tips ? { segment, cadence: plays.tips } : null;
}

/** The day after go-live of tip `occurrence` (0 is the first), or null when it falls after the cadence's end. */
export function tipDay(cadence: TipCadence, occurrence: number): number | null {
  const day = cadence.startDay + occurrence * cadence.everyDays;
  return cadence.endDay === null || day <= cadence.endDay ? day : null;
}

/**
 * The timer of tip `occurrence`, due at UTC midnight of its day (restraint defers it to the contact's morning).
 * `day` in the payload is the tip's calendar day: the send ledger's occurrence, kept by a deferred retry.
 */
export function tipTimer(config: Config, account: AccountInput, occurrence: number): Timer | null {
  const found = tipCadenceOf(config, account);
  const day = found && tipDay(found.cadence, occurrence);
  if (day === null || day === undefined) return null;
  const dueAt = new Date(Date.parse(`${account.goLiveDate}T00:00:00Z`) + day * DAY_MS).toISOString();
  return {
    kind: 'journey_tip',
    accountId: account.id,
    ref: TIP_TIMER_REF,
    dueAt,
    payload: { occurrence, day: dueAt.slice(0, 10) },
  };
}

/** The account's first tip due after `now`, or null when its segment sends none or the cadence has ended. */
export function nextTipTimer(config: Config, account: AccountInput, now: Date): Timer | null {
  const found = tipCadenceOf(config, account);
  if (!found) return null;
  const daysLive = (now.getTime() - Date.parse(`${account.goLiveDate}T00:00:00Z`)) / DAY_MS;
  const { startDay, everyDays } = found.cadence;
  const occurrence = Math.max(0, Math.floor((daysLive - startDay) / everyDays) + 1);
  return tipTimer(config, account, occurrence);
}

export function deferredTipTimer(accountId: string, occurrence: number, day: string, at: string): Timer {
  return {
    kind: 'journey_tip',
    accountId,
    ref: DEFERRED_TIP_TIMER_REF,
    dueAt: at,
    payload: { occurrence, day },
  };
}
