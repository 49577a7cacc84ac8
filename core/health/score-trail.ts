import { addDays, dayNumber } from './days.ts';
import { TREND_HORIZONS } from './trend.ts';
import type { PriorScore } from './types.ts';

/**
 * A score trail: the account's score changes, oldest first. A snapshot is stored only when something changed,
 * so the score in force at an instant is the latest entry at or before it (a step function). The trail is what
 * the trend and the healthy-cohort rule read; history items (store/health-store.ts) say why each change happened.
 */

const LONGEST_HORIZON = Math.max(...TREND_HORIZONS);

const byTime = (a: PriorScore, b: PriorScore) => Date.parse(a.at) - Date.parse(b.at);

/** The entry in force at `instant`: the latest at or before it. */
export function scoreInForce(trail: readonly PriorScore[], instant: Date): PriorScore | undefined {
  const time = instant.getTime();
  return [...trail].sort(byTime).findLast((entry) => Date.parse(entry.at) <= time);
}

/**
 * Adds a new score. An entry that repeats the last score and band adds nothing; an earlier entry of the same UTC
 * day is replaced (the trend looks a week back or more). Entries older than the longest trend horizon are
 * dropped except the one still in force then, so the trail stays small (about one entry a day at most).
 */
export function extendTrail(trail: readonly PriorScore[], entry: PriorScore): PriorScore[] {
  const sorted = [...trail].sort(byTime);
  const last = sorted.at(-1);
  const next =
    last && last.score === entry.score && last.band === entry.band
      ? sorted
      : [...sorted.filter((kept) => dayNumber(kept.at) !== dayNumber(entry.at)), entry].sort(byTime);
  const cutoff = addDays(new Date(entry.at), -LONGEST_HORIZON);
  const inForceAtCutoff = scoreInForce(next, cutoff);
  return next.filter((kept) => kept === inForceAtCutoff || Date.parse(kept.at) > cutoff.getTime());
}

/**
 * What scoring reads as earlier scores: the latest entry, and for each trend horizon the score in force that
 * many days before `now`, dated then. So a score that held still for a month still gives a 30-day trend.
 */
export function priorScores(trail: readonly PriorScore[], now: Date): PriorScore[] {
  const latest = scoreInForce(trail, now);
  const atHorizons = TREND_HORIZONS.flatMap((days) => {
    const then = addDays(now, -days);
    const held = scoreInForce(trail, then);
    return held ? [{ ...held, at: then.toISOString() }] : [];
  });
  return latest ? [latest, ...atHorizons] : atHorizons;
}
