import type { DailyRollup } from '#core/rollup';

/** Day arithmetic on UTC calendar days, the unit rollups are kept in. */

const MS_PER_DAY = 86_400_000;

/** Day numbers of the day texts seen lately: the same few hundred calendar days recur in every account's data. */
const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_KEPT = 20_000;

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` day or of an instant's UTC day. A day's text is parsed once and then
 * looked up (scoring reads each rollup's day in every window; a Date.parse each time cost a fifth of it).
 */
export function dayNumber(dayOrInstant: string | Date): number {
  if (typeof dayOrInstant !== 'string') return Math.floor(dayOrInstant.getTime() / MS_PER_DAY);
  const day = dayOrInstant.length === 10 ? dayOrInstant : dayOrInstant.slice(0, 10);
  let number = dayNumbers.get(day);
  if (number === undefined) {
    number = Math.floor(Date.parse(day) / MS_PER_DAY);
    if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear();
    dayNumbers.set(day, number);
  }
  return number;
}

/** Days, with fractions, from an earlier instant to `now`. */
export function daysSince(earlier: string, now: Date): number {
  return (now.getTime() - Date.parse(earlier)) / MS_PER_DAY;
}

export function addDays(now: Date, days: number): Date {
  return new Date(now.getTime() + days * MS_PER_DAY);
}

/** Rollups of the last `windowDays` UTC days, today included, with each one's day number beside it (days[i] is rollups[i]'s). */
export function withinDays(
  rollups: readonly DailyRollup[],
  today: number,
  windowDays: number,
): { rollups: DailyRollup[]; days: number[] } {
  const within: DailyRollup[] = [];
  const days: number[] = [];
  for (const rollup of rollups) {
    const day = dayNumber(rollup.day);
    if (day <= today && day > today - windowDays) {
      within.push(rollup);
      days.push(day);
    }
  }
  return { rollups: within, days };
}

/**
 * An account is judged over the days its data covers, not over a window whose earlier days it has no data for:
 * `daysSince` days after the data began (AccountContext.daysOfData or a feed's days, context.ts), it covers that
 * first day and every one since, today included. Never fewer than `floor` days, so a single early event is not
 * read as a rate.
 */
export function effectiveWindow(windowDays: number, daysSince: number, floor = 1): number {
  return Math.min(windowDays, Math.max(daysSince + 1, floor, 1));
}

/** Weight of an observation `ageDays` old: 1 today, 1/2 after one half-life. */
export function recencyWeight(ageDays: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
}
