import { type RestraintConfig, WEEKDAYS, type Weekday } from '#config/journeys-schema';
import { boundedCache } from '#core/bounded-cache';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

export interface LocalTime {
  weekday: Weekday;
  /** Minutes after local midnight. */
  minutes: number;
}

/**
 * wallClock's answers by zone and instant: the workflows of one dispatch ask about the same instants in the same few
 * zones for account after account, and each answer is an Intl formatting.
 * Bounded; a pure function's cache.
 */
const wallClocks = boundedCache<LocalTime & { date: string }>(10_000);

/** The wall clock of an instant in an IANA time zone: its local date (YYYY-MM-DD), weekday and minutes. */
export function wallClock(at: Date, timeZone: string): LocalTime & { date: string } {
  return { ...wallClocks(`${timeZone} ${at.getTime()}`, () => formatWallClock(at, timeZone)) };
}

function formatWallClock(at: Date, timeZone: string): LocalTime & { date: string } {
  let weekday: Weekday = 'mon';
  let hour = 0;
  let minute = 0;
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAYS.find((d) => d === part.value.toLowerCase()) ?? weekday;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return { weekday, minutes: hour * 60 + minute, date: `${year}-${month}-${day}` };
}

/** Weekday and time of day of an instant in an IANA time zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const { weekday, minutes } = wallClock(at, timeZone);
  return { weekday, minutes };
}

/**
 * zonedInstant's answers (epoch ms) by zone, date and hour: the weekly tips ask for the same few zones' midnight
 * on the same day for every account, and each answer costs two Intl formattings. Bounded; a pure function's cache.
 */
const zonedInstants = boundedCache<number>(10_000);

/**
 * The instant at `hour`:00 on `date` in an IANA time zone (DST-safe: the zone's offset is read at the guess and
 * corrected once more, which settles it for every zone that does not skip that hour).
 */
export function zonedInstant(date: string, hour: number, timeZone: string): Date {
  return new Date(zonedInstants(`${timeZone} ${date} ${hour}`, () => instantOf(date, hour, timeZone)));
}

function instantOf(date: string, hour: number, timeZone: string): number {
  const target = Date.parse(`${date}T00:00:00Z`) + hour * 3_600_000;
  let at = target;
  for (let i = 0; i < 2; i++) {
    const seen = wallClock(new Date(at), timeZone);
    const seenMs = Date.parse(`${seen.date}T00:00:00Z`) + seen.minutes * 60_000;
    at += target - seenMs;
  }
  return at;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

type QuietRules = Pick<RestraintConfig, 'quietHours' | 'quietDays'>;

/** Whether a local weekday and time of day are quiet. */
function quietAt(local: LocalTime, restraint: QuietRules): boolean {
  if (restraint.quietDays.includes(local.weekday)) return true;
  const start = toMinutes(restraint.quietHours.start);
  const end = toMinutes(restraint.quietHours.end);
  if (start === end) return false;
  return start < end
    ? local.minutes >= start && local.minutes < end
    : local.minutes >= start || local.minutes < end;
}

/** Whether an instant falls in quiet hours or on a quiet day in the contact's time zone. */
export function isQuiet(at: Date, timeZone: string, restraint: QuietRules) {
  return quietAt(localTime(at, timeZone), restraint);
}

const STEP_MS = 15 * 60_000;
const MINUTE_MS = 60_000;
/** How far ahead `nextAllowedTime` looks for an allowed time. */
export const ALLOWED_TIME_SEARCH_MS = 8 * 86_400_000;

/** `Date.getUTCDay()` (0 is Sunday) as a weekday. */
const UTC_WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** How far a wall clock is ahead of UTC at an instant (its zone's offset), in milliseconds. */
function offsetOf(at: number, clock: { date: string; minutes: number }): number {
  return (
    Date.parse(`${clock.date}T00:00:00Z`) + clock.minutes * MINUTE_MS - Math.floor(at / MINUTE_MS) * MINUTE_MS
  );
}

/** The wall clock of an instant in a zone that is `offset` ahead of UTC there. */
function localUnder(at: number, offset: number): LocalTime {
  const shifted = new Date(at + offset);
  return {
    weekday: UTC_WEEKDAYS[shifted.getUTCDay()] as Weekday,
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

/**
 * The first instant at or after `from`, on a quarter hour, that is not quiet for the contact. Undefined when the
 * rules leave no time at all in the next 8 days (every day quiet). The zone's wall clock is read at `from` and at
 * the answer only: in between it follows the instant at the offset it has at `from`, which holds when the offset
 * is the same at the answer (no zone changes its offset and back within 8 days). Where it is not (a daylight-saving
 * change lies between), the answer comes from reading the wall clock at every quarter hour.
 */
export function nextAllowedTime(from: Date, timeZone: string, restraint: QuietRules): Date | undefined {
  const start = from.getTime();
  const clock = wallClock(from, timeZone);
  if (!quietAt(clock, restraint)) return from;
  const offset = offsetOf(start, clock);
  const limit = start + ALLOWED_TIME_SEARCH_MS;
  for (let at = Math.ceil(start / STEP_MS) * STEP_MS; at <= limit; at += STEP_MS) {
    if (quietAt(localUnder(at, offset), restraint)) continue;
    if (offsetOf(at, wallClock(new Date(at), timeZone)) === offset) return new Date(at);
    break;
  }
  return steppedAllowedTime(start, limit, timeZone, restraint);
}

/** `nextAllowedTime` by the wall clock at every quarter hour: right across daylight-saving changes. */
function steppedAllowedTime(
  start: number,
  limit: number,
  timeZone: string,
  restraint: QuietRules,
): Date | undefined {
  for (let at = Math.ceil(start / STEP_MS) * STEP_MS; at <= limit; at += STEP_MS)
    if (!isQuiet(new Date(at), timeZone, restraint)) return new Date(at);
  return undefined;
}

/**
 * The first time quiet hours and days allow on a calendar day in a time zone: from its local midnight, the next
 * allowed time (that morning, or the next allowed day's when the day is quiet). Undefined as for `nextAllowedTime`.
 */
export function firstAllowedTimeOn(date: string, timeZone: string, restraint: QuietRules): Date | undefined {
  return nextAllowedTime(zonedInstant(date, 0, timeZone), timeZone, restraint);
}
