import type { TipCadence } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { DAY_MS, utcDay } from '#core/clock';
import type { Timer } from '#core/workflows/timers';
import { ALLOWED_TIME_SEARCH_MS, firstAllowedTimeOn } from './local-time.ts';
import { journeyFor } from './milestone-status.ts';
import { recipientsOf } from './recipients.ts';

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
 * When the tip of `day` is due: the first time quiet hours allow that day, in the zone of the audience contact
 * whose allowed time comes first. Due then, the tip is sent when its execution runs, rather than deferred by
 * restraint to a second execution; a contact in a later zone is still deferred to its own morning by restraint.
 * UTC midnight of the day when the play has no one to write to or quiet rules allow no time at all (restraint then
 * records each contact's reason).
 */
function tipDueAt(config: Config, account: AccountInput, playId: string, day: string): Date {
  const play = config.plays[playId];
  const zones = new Set(play ? recipientsOf(account, play).map((r) => r.timezone) : []);
  const allowed = [...zones].flatMap(
    (zone) => firstAllowedTimeOn(day, zone, config.restraint)?.getTime() ?? [],
  );
  return new Date(allowed.length > 0 ? Math.min(...allowed) : Date.parse(`${day}T00:00:00Z`));
}

/**
 * The timer of tip `occurrence`, due at the audience's first allowed time on the tip's day (`tipDueAt`). `day` in
 * the payload is the tip's calendar day: the send ledger's occurrence, kept by a deferred retry.
 */
export function tipTimer(config: Config, account: AccountInput, occurrence: number): Timer | null {
  const found = tipCadenceOf(config, account);
  const tipDayNumber = found && tipDay(found.cadence, occurrence);
  if (!found || tipDayNumber === null) return null;
  const day = utcDay(new Date(Date.parse(`${account.goLiveDate}T00:00:00Z`) + tipDayNumber * DAY_MS));
  return {
    kind: 'journey_tip',
    accountId: account.id,
    ref: TIP_TIMER_REF,
    dueAt: tipDueAt(config, account, found.cadence.play, day).toISOString(),
    payload: { occurrence, day },
  };
}

/**
 * A tip is due from its day's local midnight (up to 14 hours before its UTC day, in zones east of UTC) to the end
 * of the search for an allowed time from there: every tip whose day began this many days before now is due.
 */
const TIP_DUE_WITHIN_DAYS = Math.ceil((ALLOWED_TIME_SEARCH_MS + 14 * 3_600_000) / DAY_MS);

/** The account's first tip due after `now`, or null when its segment sends none or the cadence has ended. */
export function nextTipTimer(config: Config, account: AccountInput, now: Date): Timer | null {
  const found = tipCadenceOf(config, account);
  if (!found) return null;
  const daysLive = (now.getTime() - Date.parse(`${account.goLiveDate}T00:00:00Z`)) / DAY_MS;
  const { startDay, everyDays } = found.cadence;
  const at = now.toISOString();
  // Due times rise with the occurrence, so the first one after now follows the last tip surely due.
  let occurrence = Math.max(0, Math.floor((daysLive - TIP_DUE_WITHIN_DAYS - startDay) / everyDays));
  for (;;) {
    const timer = tipTimer(config, account, occurrence);
    if (timer === null || timer.dueAt > at) return timer;
    occurrence++;
  }
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
