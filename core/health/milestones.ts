import type { Config, MilestoneDetection } from '#config/schema';
import type { DailyRollup } from '#core/rollup';
import { loginsOf } from './components/product-feeds.ts';
import { quietDay } from './quiet-days.ts';

export interface MilestoneAchievement {
  milestone: string;
  /** UTC day it was first reached, `YYYY-MM-DD`. */
  day: string;
}

function reached(detect: MilestoneDetection, rollup: DailyRollup): boolean {
  switch (detect.kind) {
    case 'signal':
      // A source that counts logins per account (`logins` signals) reaches "first login" too.
      if (detect.signal === 'login') return loginsOf(rollup) > 0;
      return (rollup.counts[detect.signal] ?? 0) > 0;
    case 'milestone':
      return rollup.milestones.length > 0 && rollup.milestones.includes(detect.name);
    case 'value':
      return (rollup.latestValues.value_realized ?? -1) >= detect.atLeastPercent;
  }
}

function isOldestFirst(rollups: readonly DailyRollup[]): boolean {
  for (let i = 1; i < rollups.length; i++)
    if ((rollups[i] as DailyRollup).day < (rollups[i - 1] as DailyRollup).day) return false;
  return true;
}

/** What one pass over the rollups tells about them, so that a milestone nothing could have reached is not scanned for. */
interface Overview {
  anyMilestone: boolean;
  /** The highest value realised reported, or Infinity when a value is not a number (then every day is checked). */
  highestValue: number;
}

function overview(rollups: readonly DailyRollup[]): Overview {
  let anyMilestone = false;
  let highestValue = -1;
  for (const rollup of rollups) {
    if (quietDay(rollup)) continue;
    if (rollup.milestones.length > 0) anyMilestone = true;
    const value = rollup.latestValues.value_realized;
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value)) highestValue = Number.POSITIVE_INFINITY;
    else if (value > highestValue) highestValue = value;
  }
  return { anyMilestone, highestValue };
}

function couldBeReached(detect: MilestoneDetection, seen: Overview): boolean {
  if (detect.kind === 'milestone') return seen.anyMilestone;
  if (detect.kind === 'value') return seen.highestValue >= detect.atLeastPercent;
  return true;
}

/**
 * The first day each journey milestone was reached, from the rollups and from achievements found earlier.
 * Keep what this returns: a milestone stays reached after its rollup leaves the lookback.
 * One pass per milestone over the rollups in any order: the earliest day wins, as `YYYY-MM-DD` texts compare.
 */
export function detectMilestones(
  config: Config,
  rollups: readonly DailyRollup[],
  known: readonly MilestoneAchievement[] = [],
): MilestoneAchievement[] {
  // Rollups as the store reads them back are oldest first: then the first one reached is the earliest, and a
  // milestone known from a day before the first rollup needs no look at them.
  const oldestFirst = isOldestFirst(rollups);
  let seen: Overview | undefined;
  const found: MilestoneAchievement[] = [];
  for (const { id, detect } of config.journeyBaseline.milestones) {
    let first: string | undefined;
    for (const achievement of known)
      if (achievement.milestone === id && (first === undefined || achievement.day < first))
        first = achievement.day;
    for (let i = 0; i < rollups.length; i++) {
      const rollup = rollups[i] as DailyRollup;
      if (first !== undefined && !(rollup.day < first)) {
        if (oldestFirst) break;
        continue;
      }
      seen ??= overview(rollups);
      if (!couldBeReached(detect, seen)) break;
      if (reached(detect, rollup)) {
        first = rollup.day;
        if (oldestFirst) break;
      }
    }
    if (first !== undefined) found.push({ milestone: id, day: first });
  }
  return found;
}
