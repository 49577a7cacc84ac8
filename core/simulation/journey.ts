import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { classifyJourney } from '#core/health/journey-class';
import { detectMilestones, type MilestoneAchievement } from '#core/health/milestones';
import type { JourneyClass } from '#core/health/vocabulary';
import type { DailyRollup } from '#core/rollup';

/**
 * An account's journey class (Champion, Cruiser, Laggard; seed 004) at the end of a run, from every rollup of the
 * run: those given, and the milestones found earlier in rollups of the run no longer at hand (`known`). Null for an
 * account that went live before the window: its early milestones happened before any signal the run saw, and would
 * read as missed.
 */
export function observedJourneyClass(
  config: Config,
  account: AccountInput,
  rollups: readonly DailyRollup[],
  windowStart: string,
  now: Date,
  known: readonly MilestoneAchievement[] = [],
): JourneyClass | null {
  if (account.goLiveDate < windowStart) return null;
  return classifyJourney(config, account, detectMilestones(config, rollups, known), now).journeyClass;
}
