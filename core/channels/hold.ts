import type { RestraintConfig } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import { DAY_MS, utcDay } from '#core/clock';
import { wallClock } from '#core/journeys/local-time';

/**
 * Quiet days hold chat posts as they hold mail (DESIGN decision 7: every skip is recorded): a post decided on a
 * quiet day in its destination's time zone waits for the first daily notice run that falls on an allowed day, and
 * goes then, as it was rendered. Quiet hours do not hold posts: a new risk at night is posted at once, as its mail
 * goes at once.
 */
export type ChatHold =
  | { outcome: 'post' }
  | { outcome: 'held'; day: string; until: string; detail: string }
  | { outcome: 'dropped'; detail: string };

const runAt = (day: string, hourUtc: number) =>
  new Date(`${day}T${String(hourUtc).padStart(2, '0')}:00:00.000Z`);

export function chatHold(
  now: Date,
  destination: { name: string; timezone: string },
  restraint: Pick<RestraintConfig, 'quietDays'>,
  dailyHourUtc: number,
): ChatHold {
  const today = wallClock(now, destination.timezone).weekday;
  if (!restraint.quietDays.includes(today)) return { outcome: 'post' };
  const why = `a quiet day (${today}) for ${destination.name} in ${destination.timezone}`;
  for (let days = 0; days <= 8; days++) {
    const day = utcDay(new Date(now.getTime() + days * DAY_MS));
    const run = runAt(day, dailyHourUtc);
    if (run.getTime() <= now.getTime()) continue;
    if (!restraint.quietDays.includes(wallClock(run, destination.timezone).weekday)) {
      return {
        outcome: 'held',
        day,
        until: run.toISOString(),
        detail: `${why}: held for the daily notice run of ${day}`,
      };
    }
  }
  return { outcome: 'dropped', detail: `${why}, and every day of the week is quiet` };
}

/** The hold of a post to a destination now, under the config's quiet days and daily notice hour. */
export function chatHoldOf(
  config: Pick<Config, 'restraint' | 'escalation'>,
  destination: { name: string; timezone: string },
  now: Date,
): ChatHold {
  return chatHold(now, destination, config.restraint, config.escalation.notices.dailyHourUtc);
}
