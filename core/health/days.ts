import type { DailyRollup } from '#core/rollup';

/** Day arithmetic on UTC calendar days, the unit rollups are kept in. */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` day or of an instant's UTC day. */
export function dayNumber(dayOrInstant: string | Date): number {
  const ms =
    typeof dayOrInstant === 'string' ? Date.parse(dayOrInstant.slice(0, 10)) : dayOrInstant.getTime();
  return Math.floor(ms / MS_PER_DAY);
}

/** Days, with fractions, from an earlier instant to `now`. */
export function daysSince(earlier: string, now: Date): number {
  return (now.getTime() - Date.parse(earlier)) / MS_PER_DAY;
}

export function addDays(now: Date, days: number): Date {
  return new Date(now.getTime() + days * MS_PER_DAY);
}

/** Rollups of the last `windowDays` UTC days, today included. */
export function withinDays(
  rollups: readonly DailyRollup[],
  today: number,
  windowDays: number,
): DailyRollup[] {
  return rollups.filter((rollup) => {
    const day = dayNumber(rollup.day);
    return day <= today && day > today - windowDays;
  });
}

/**
 * A young account is judged over the days it has been live, not over a window it has not lived through
 * yet; never fewer than `floor` days, so a single early event is not read as a rate.
 */
export function effectiveWindow(windowDays: number, daysLive: number, floor = 1): number {
  return Math.min(windowDays, Math.max(daysLive, floor, 1));
}

/** Weight of an observation `ageDays` old: 1 today, 1/2 after one half-life. */
export function recencyWeight(ageDays: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
}
