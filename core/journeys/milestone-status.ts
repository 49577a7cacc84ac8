import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { dayNumber } from '#core/health/days';
import { journeyBaselineFor } from '#core/health/journey-baseline';
import type { MilestoneAchievement } from '#core/health/milestones';
import { assignSegment } from '#core/health/segmentation';

/**
 * `achieved`: reached by now. `late`: past its due day, not reached, within the journey's grace days.
 * `missed`: past the grace days and not reached. `pending`: not due yet.
 */
export type JourneyMilestoneStatus = 'achieved' | 'late' | 'missed' | 'pending';

/**
 * The two checks a milestone gets: `due` (the day after its due day: congratulate or nudge) and `grace` (the day
 * after the grace days: the missed plays). A deferred message is retried under the same phase.
 */
export const PHASES = ['due', 'grace'] as const;
export type Phase = (typeof PHASES)[number];

export interface MilestoneCheck {
  milestone: string;
  label: string;
  segment: string;
  status: JourneyMilestoneStatus;
  dueDay: number;
  graceDays: number;
  daysLive: number;
  /** Days after go-live it was reached; null while not reached. */
  reachedDay: number | null;
  /** The due day of the next milestone of the journey, if any (for "next step" copy). */
  nextDueDay: number | null;
}

/** The segment's journey: milestones with their due days (journeyBaseline) and the grace days (journeys). */
export function journeyFor(config: Config, account: AccountInput) {
  const { segment } = assignSegment(config, account);
  const baseline = journeyBaselineFor(config, segment);
  const plays = config.journeys[segment];
  return { segment, milestones: baseline.milestones, graceDays: plays?.graceDays ?? 0, plays };
}

/** Where one account stands on one milestone of its segment's journey, now. Undefined for an unknown milestone. */
export function milestoneStatus(
  config: Config,
  account: AccountInput,
  achievements: readonly MilestoneAchievement[],
  milestoneId: string,
  now: Date,
): MilestoneCheck | undefined {
  const journey = journeyFor(config, account);
  const index = journey.milestones.findIndex((m) => m.id === milestoneId);
  const milestone = journey.milestones[index];
  if (!milestone) return undefined;
  const goLive = dayNumber(account.goLiveDate);
  const today = dayNumber(now);
  const daysLive = today - goLive;
  const achieved = achievements.find((a) => a.milestone === milestoneId && dayNumber(a.day) <= today);
  const reachedDay = achieved ? dayNumber(achieved.day) - goLive : null;
  const status: JourneyMilestoneStatus =
    reachedDay !== null
      ? 'achieved'
      : daysLive > milestone.dueDay + journey.graceDays
        ? 'missed'
        : daysLive > milestone.dueDay
          ? 'late'
          : 'pending';
  return {
    milestone: milestone.id,
    label: milestone.label,
    segment: journey.segment,
    status,
    dueDay: milestone.dueDay,
    graceDays: journey.graceDays,
    daysLive,
    reachedDay,
    nextDueDay: journey.milestones[index + 1]?.dueDay ?? null,
  };
}

/** When each check of each milestone in the account's journey is due: UTC midnight starting the day after. */
export function milestoneCheckTimes(
  config: Config,
  account: AccountInput,
): { milestone: string; phase: Phase; at: string }[] {
  const journey = journeyFor(config, account);
  if (!journey.plays) return [];
  const goLive = Date.parse(`${account.goLiveDate}T00:00:00Z`);
  const day = (n: number) => new Date(goLive + n * 86_400_000).toISOString();
  const driven = new Set(journey.plays.milestones.map((m) => m.milestone));
  return journey.milestones
    .filter((m) => driven.has(m.id))
    .flatMap((m) => [
      { milestone: m.id, phase: 'due' as const, at: day(m.dueDay + 1) },
      { milestone: m.id, phase: 'grace' as const, at: day(m.dueDay + journey.graceDays + 1) },
    ]);
}
