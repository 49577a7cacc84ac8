import type { Weekday } from '#config/journeys-schema';
import { DAY_MS } from '#core/clock';
import { wallClock } from '#core/journeys/local-time';

/** `YYYY-MM-DD` plus whole months, the day clamped to the month's last (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus whole days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The weekday (`mon` ... `sun`) of a calendar date. */
export function weekdayOf(date: string): Weekday {
  return wallClock(new Date(`${date}T12:00:00Z`), 'UTC').weekday;
}

/** How an instant reads in a time zone: `Tuesday 2027-03-02 at 10:00 (Europe/Berlin)`; in UTC `2027-03-02 at 09:00 UTC`. */
export function localWhen(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const day = DAY_NAMES[w.weekday];
  const hh = String(Math.floor(w.minutes / 60)).padStart(2, '0');
  const mm = String(w.minutes % 60).padStart(2, '0');
  return timeZone === 'UTC'
    ? `${w.date} at ${hh}:${mm} UTC`
    : `${day} ${w.date} at ${hh}:${mm} (${timeZone})`;
}

/** How a day reads in a time zone: `Tuesday 2027-03-02`. */
export function localDay(at: Date, timeZone: string): string {
  const { weekday, date } = wallClock(at, timeZone);
  return timeZone === 'UTC' ? date : `${DAY_NAMES[weekday]} ${date}`;
}
