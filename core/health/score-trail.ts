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

/** A trail oldest first, with each entry's instant and UTC day beside it (times[i] and days[i] are entries[i]'s). */
interface Sorted {
  entries: readonly PriorScore[];
  times: readonly number[];
  days: readonly number[];
}

/** An entry's instant and UTC day (the day of its text, as extendTrail keeps one entry a day). */
const parsed = (entry: PriorScore) => ({ time: Date.parse(entry.at), day: dayNumber(entry.at) });

/**
 * A frozen trail's entries in time order, worked out once: the store hands back the same frozen trail every time
 * the account is read until it is rewritten (the daily pass reads it for the baseline sample and again to score),
 * and the trail extendTrail returns, which is what the store is then given, comes with its order already known.
 */
const sortedTrails = new WeakMap<readonly PriorScore[], Sorted>();

/**
 * The entries oldest first (a stable sort: entries at one instant keep their order). A stored trail is already so
 * (extendTrail keeps it), and is then used as it is, without a copy.
 */
function byTime(trail: readonly PriorScore[]): Sorted {
  if (!Object.isFrozen(trail)) return sortTrail(trail);
  let sorted = sortedTrails.get(trail);
  if (!sorted) {
    sorted = sortTrail(trail);
    sortedTrails.set(trail, sorted);
  }
  return sorted;
}

function sortTrail(trail: readonly PriorScore[]): Sorted {
  const known = trail.map(parsed);
  const times = known.map((entry) => entry.time);
  const days = known.map((entry) => entry.day);
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) {
      const order = times
        .map((_, index) => index)
        .sort((a, b) => (times[a] as number) - (times[b] as number));
      return {
        entries: order.map((i) => trail[i] as PriorScore),
        times: order.map((i) => times[i] as number),
        days: order.map((i) => days[i] as number),
      };
    }
  }
  return { entries: trail, times, days };
}

/** Trails already oldest first by their instants' text, among frozen ones (a stored trail is read every day). */
const inTextOrder = new WeakSet<readonly PriorScore[]>();

/** Index of the latest entry at or before `time` (-1 when none), by binary search. */
function inForceAt(sorted: Sorted, time: number): number {
  let low = 0;
  let high = sorted.times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted.times[mid] as number) <= time) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function inForce(sorted: Sorted, time: number): PriorScore | undefined {
  return sorted.entries[inForceAt(sorted, time)];
}

/** The entry in force at `instant`: the latest at or before it. */
export function scoreInForce(trail: readonly PriorScore[], instant: Date): PriorScore | undefined {
  return inForce(byTime(trail), instant.getTime());
}

/**
 * Adds a new score. An entry that repeats the last score and band adds nothing; an earlier entry of the same UTC
 * day is replaced (the trend looks a week back or more). Entries older than the longest trend horizon are
 * dropped except the one still in force then, so the trail stays small (about one entry a day at most). The trail
 * returned is frozen, with its order known (sortedTrails): it is stored as it is and read back tomorrow.
 */
export function extendTrail(trail: readonly PriorScore[], entry: PriorScore): PriorScore[] {
  const sorted = byTime(trail);
  const last = sorted.entries.at(-1);
  let next = sorted;
  // Whether the trail returned is known to be in text order too (oldestFirst), without reading its entries again.
  let textOrder = sorted.entries === trail && inTextOrder.has(trail);
  if (!last || last.score !== entry.score || last.band !== entry.band) {
    const { time, day } = parsed(entry);
    const entries: PriorScore[] = [];
    const times: number[] = [];
    const days: number[] = [];
    for (let i = 0; i < sorted.entries.length; i++) {
      if (sorted.days[i] === day) continue;
      entries.push(sorted.entries[i] as PriorScore);
      times.push(sorted.times[i] as number);
      days.push(sorted.days[i] as number);
    }
    // Stable: the new entry goes after every kept entry at or before its instant.
    const at = inForceAt({ entries, times, days }, time) + 1;
    const before = entries[at - 1];
    const after = entries[at];
    textOrder &&= (!before || before.at <= entry.at) && (!after || entry.at <= after.at);
    entries.splice(at, 0, Object.freeze(entry));
    times.splice(at, 0, time);
    days.splice(at, 0, day);
    next = { entries, times, days };
  }
  const cutoff = addDays(new Date(entry.at), -LONGEST_HORIZON).getTime();
  const keepFrom = Math.max(0, inForceAt(next, cutoff));
  const kept = next.entries.slice(keepFrom);
  // Frozen all through, as the store's writers freeze what they write (store/parse-item.ts freezeAll); the entries
  // of a frozen trail were frozen with it.
  if (!Object.isFrozen(trail)) for (const score of kept) Object.freeze(score);
  Object.freeze(kept);
  sortedTrails.set(kept, {
    entries: kept,
    times: next.times.slice(keepFrom),
    days: next.days.slice(keepFrom),
  });
  if (textOrder) inTextOrder.add(kept);
  return kept;
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
  if (inTextOrder.has(trail)) return trail;
  for (let i = 1; i < trail.length; i++) {
    if ((trail[i] as PriorScore).at < (trail[i - 1] as PriorScore).at)
      return [...trail].sort((a, b) => compareText(a.at, b.at));
  }
  if (Object.isFrozen(trail)) inTextOrder.add(trail);
  return trail;
}
