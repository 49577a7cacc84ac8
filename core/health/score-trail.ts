import { compareText } from '#core/text';
import { addDays, dayNumber } from './days.ts';
import { TREND_HORIZONS } from './trend.ts';
import type { PriorScore } from './types.ts';

/**
 * A score trail: the account's score changes, oldest first. A snapshot is stored only when something changed,
 * so the score in force at an instant is the latest entry at or before it (a step function). The trail is what
 * the trend and the healthy-cohort rule read; history items (store/health-store.ts) say why each change happened.
 */

const LONGEST_HORIZON = Math.max(...TREND_HORIZONS);

interface Timed {
  entry: PriorScore;
  time: number;
}

/**
 * Each entry's instant, parsed once per entry: a stored trail's entries are the same objects day after day (the
 * daily pass reads every account's trail twice a day), and Date.parse was most of what reading one cost.
 */
const parsedTimes = new WeakMap<PriorScore, number>();

function timeOf(entry: PriorScore): number {
  let time = parsedTimes.get(entry);
  if (time === undefined) {
    time = Date.parse(entry.at);
    parsedTimes.set(entry, time);
  }
  return time;
}

/** The entries oldest first (a stable sort: entries at one instant keep their order); a trail is mostly stored so. */
function byTime(trail: readonly PriorScore[]): Timed[] {
  const timed = trail.map((entry) => ({ entry, time: timeOf(entry) }));
  for (let i = 1; i < timed.length; i++) {
    if ((timed[i] as Timed).time < (timed[i - 1] as Timed).time) return timed.sort((a, b) => a.time - b.time);
  }
  return timed;
}

function inForce(sorted: readonly Timed[], time: number): PriorScore | undefined {
  return sorted.findLast((timed) => timed.time <= time)?.entry;
}

/** The entry in force at `instant`: the latest at or before it. */
export function scoreInForce(trail: readonly PriorScore[], instant: Date): PriorScore | undefined {
  return inForce(byTime(trail), instant.getTime());
}

/**
 * Adds a new score. An entry that repeats the last score and band adds nothing; an earlier entry of the same UTC
 * day is replaced (the trend looks a week back or more). Entries older than the longest trend horizon are
 * dropped except the one still in force then, so the trail stays small (about one entry a day at most).
 */
export function extendTrail(trail: readonly PriorScore[], entry: PriorScore): PriorScore[] {
  const sorted = byTime(trail);
  const last = sorted.at(-1)?.entry;
  const next =
    last && last.score === entry.score && last.band === entry.band
      ? sorted
      : [
          ...sorted.filter(({ entry: kept }) => dayNumber(kept.at) !== dayNumber(entry.at)),
          { entry, time: timeOf(entry) },
        ].sort((a, b) => a.time - b.time);
  const cutoff = addDays(new Date(entry.at), -LONGEST_HORIZON).getTime();
  const inForceAtCutoff = inForce(next, cutoff);
  return next.flatMap(({ entry: kept, time }) => (kept === inForceAtCutoff || time > cutoff ? [kept] : []));
}

/**
 * What scoring reads as earlier scores: the latest entry, and for each trend horizon the score in force that
 * many days before `now`, dated then. So a score that held still for a month still gives a 30-day trend.
 */
export function priorScores(trail: readonly PriorScore[], now: Date): PriorScore[] {
  const sorted = byTime(trail);
  const latest = inForce(sorted, now.getTime());
  const atHorizons = TREND_HORIZONS.flatMap((days) => {
    const then = addDays(now, -days);
    const held = inForce(sorted, then.getTime());
    return held ? [{ ...held, at: then.toISOString() }] : [];
  });
  return latest ? [latest, ...atHorizons] : atHorizons;
}

/** The entries oldest first, by their instants' text; a stored trail is already so and is returned as it is. */
export function oldestFirst(trail: readonly PriorScore[]): readonly PriorScore[] {
  for (let i = 1; i < trail.length; i++) {
    if ((trail[i] as PriorScore).at < (trail[i - 1] as PriorScore).at)
      return [...trail].sort((a, b) => compareText(a.at, b.at));
  }
  return trail;
}
