/** Time is a parameter (DESIGN decision 2): nothing in core reads the system clock. */
export interface Clock {
  now(): Date;
}

export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}

/** UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** One day in milliseconds: the one definition the shells and the core share. */
export const DAY_MS = 86_400_000;

/** The UTC day before a day (`YYYY-MM-DD`). */
export function previousDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS));
}

/** ISO week of an instant (`2026-W07`): digests and weekly counts go by calendar week. */
export function isoWeek(at: string | Date): string {
  const date = new Date(at);
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
