import type { Config, MilestoneDetection } from '#config/schema';
import type { DailyRollup } from '#core/rollup';

export interface MilestoneAchievement {
  milestone: string;
  /** UTC day it was first reached, `YYYY-MM-DD`. */
  day: string;
}

function reached(detect: MilestoneDetection, rollup: DailyRollup): boolean {
  switch (detect.kind) {
    case 'signal':
      return (rollup.counts[detect.signal] ?? 0) > 0;
    case 'milestone':
      return rollup.milestones.includes(detect.name);
    case 'value':
      return (rollup.latestValues.value_realized ?? -1) >= detect.atLeastPercent;
  }
}

/**
 * The first day each journey milestone was reached, from the rollups and from achievements found earlier.
 * Keep what this returns: a milestone stays reached after its rollup leaves the lookback.
 */
export function detectMilestones(
  config: Config,
  rollups: readonly DailyRollup[],
  known: readonly MilestoneAchievement[] = [],
): MilestoneAchievement[] {
  const oldestFirst = [...rollups].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return config.journeyBaseline.milestones.flatMap(({ id, detect }) => {
    const candidates = [
      ...known.filter((achievement) => achievement.milestone === id).map((achievement) => achievement.day),
      ...oldestFirst
        .filter((rollup) => reached(detect, rollup))
        .slice(0, 1)
        .map((rollup) => rollup.day),
    ].sort();
    const first = candidates[0];
    return first === undefined ? [] : [{ milestone: id, day: first }];
  });
}
