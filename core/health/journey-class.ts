import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { dayNumber } from './days.ts';
import { plural } from './deviation.ts';
import { type JourneyBaseline, type JourneyMilestone, journeyBaselineFor } from './journey-baseline.ts';
import type { MilestoneAchievement } from './milestones.ts';
import { assignSegment } from './segmentation.ts';
import type { JourneyClass } from './vocabulary.ts';

export type MilestoneStatus = 'ahead' | 'on_time' | 'late' | 'missed' | 'pending';

export interface MilestoneStanding {
  milestone: string;
  label: string;
  dueDay: number;
  /** Days after go-live it was reached; null while not reached. */
  reachedDay: number | null;
  status: MilestoneStatus;
}

export interface JourneyStanding {
  accountId: string;
  segment: string;
  journeyClass: JourneyClass;
  daysLive: number;
  /**
   * How far ahead (+) or behind (-) schedule the account runs: the mean, over milestones reached or due,
   * of the days early as a share of the due day, between -1 and 1. Used to stack-rank.
   */
  pace: number;
  milestones: MilestoneStanding[];
  reasons: string[];
}

function statusOf(
  milestone: JourneyMilestone,
  reachedDay: number | null,
  daysLive: number,
  journey: JourneyBaseline,
) {
  const { dueDay } = milestone;
  if (reachedDay === null) return daysLive > dueDay + journey.graceDays ? 'missed' : 'pending';
  const daysEarly = dueDay - reachedDay;
  if (daysEarly >= Math.max(1, journey.championLead * dueDay)) return 'ahead';
  return reachedDay <= dueDay + journey.graceDays ? 'on_time' : 'late';
}

function describe(standing: MilestoneStanding, daysLive: number): string {
  const { label, dueDay, reachedDay, status } = standing;
  if (reachedDay === null) {
    return status === 'missed'
      ? `${label} not reached by day ${daysLive}; due by day ${dueDay}`
      : `${label} not reached yet; due by day ${dueDay}`;
  }
  const offset = dueDay - reachedDay;
  const timing =
    offset > 0 ? `${plural(offset, 'day')} ahead of` : offset < 0 ? `${plural(-offset, 'day')} after` : 'on';
  return `${label} on day ${reachedDay}, ${timing} day ${dueDay}`;
}

function classify(standings: readonly MilestoneStanding[], daysLive: number): JourneyClass {
  if (standings.some((s) => s.status === 'late' || s.status === 'missed')) return 'laggard';
  const judged = standings.filter((s) => s.reachedDay !== null || s.dueDay <= daysLive);
  const allAhead = judged.length > 0 && judged.every((s) => s.status === 'ahead');
  return allAhead ? 'champion' : 'cruiser';
}

function paceOf(standings: readonly MilestoneStanding[], daysLive: number): number {
  const judged = standings.filter((s) => s.reachedDay !== null || s.dueDay <= daysLive);
  if (judged.length === 0) return 0;
  const shares = judged.map((s) =>
    Math.max(-1, Math.min(1, (s.dueDay - (s.reachedDay ?? daysLive)) / s.dueDay)),
  );
  return shares.reduce((sum, share) => sum + share, 0) / judged.length;
}

/**
 * Champion, Cruiser or Laggard (seed 004) from milestone timing against the segment's journey baseline:
 * a Laggard is late for or has missed any milestone (beyond the grace days); a Champion has reached every
 * milestone due so far ahead of schedule (by `championLead` of its due day, and at least a day); a Cruiser
 * is on course.
 */
export function classifyJourney(
  config: Config,
  account: AccountInput,
  achievements: readonly MilestoneAchievement[],
  now: Date,
): JourneyStanding {
  const { segment } = assignSegment(config, account);
  const journey = journeyBaselineFor(config, segment);
  const goLive = dayNumber(account.goLiveDate);
  const daysLive = dayNumber(now) - goLive;
  const milestones = journey.milestones.map((milestone): MilestoneStanding => {
    const achieved = achievements.find(
      (a) => a.milestone === milestone.id && dayNumber(a.day) <= dayNumber(now),
    );
    const reachedDay = achieved ? dayNumber(achieved.day) - goLive : null;
    return {
      milestone: milestone.id,
      label: milestone.label,
      dueDay: milestone.dueDay,
      reachedDay,
      status: statusOf(milestone, reachedDay, daysLive, journey),
    };
  });
  return {
    accountId: account.id,
    segment,
    journeyClass: classify(milestones, daysLive),
    daysLive,
    pace: paceOf(milestones, daysLive),
    milestones,
    reasons: milestones.map((standing) => describe(standing, daysLive)),
  };
}
