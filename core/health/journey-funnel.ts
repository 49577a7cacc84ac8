import type { Config } from '#config/schema';
import { dayNumber } from './days.ts';
import { journeyBaselineFor } from './journey-baseline.ts';
import type { MilestoneStatus } from './journey-class.ts';
import type { HealthSummary, JourneySummary } from './portfolio.ts';

export interface FunnelStep {
  milestone: string;
  label: string;
  dueDay: number;
  /** Accounts whose journey has reached the milestone's due day (plus grace) or that reached it earlier. */
  due: number;
  /** Reached, by when: ahead of schedule, on time (within the grace days), late. */
  reached: number;
  ahead: number;
  onTime: number;
  late: number;
  /** Not reached, and its due day plus grace has passed. */
  missed: number;
  /** Not reached yet, still within its time. */
  pending: number;
}

export interface SegmentFunnel {
  segment: string;
  /** Accounts the data saw go live (judged by milestones); established ones are left out of the funnel. */
  accounts: number;
  steps: FunnelStep[];
}

/**
 * A milestone's status today: a milestone stored as pending whose due day plus grace has passed since is missed
 * (the registry keeps the status as of the last score; reached ones keep theirs).
 */
function statusNow(
  milestone: JourneySummary['milestones'][number],
  daysLive: number,
  graceDays: number,
): MilestoneStatus {
  if (milestone.reachedDay !== null || milestone.status !== 'pending') return milestone.status;
  return daysLive > milestone.dueDay + graceDays ? 'missed' : 'pending';
}

/**
 * The journey funnel per segment (seed 004's baseline): for each milestone in its journey, how many accounts the
 * data saw go live reached it ahead, on time or late, missed it, or still have time. Accounts classed by health
 * (onboarding before the data) are not in it: their early milestones are unknown.
 */
export function journeyFunnel(
  config: Config,
  segments: readonly string[],
  accounts: readonly { health?: HealthSummary }[],
  now: Date,
): SegmentFunnel[] {
  return segments.map((segment) => {
    const journey = journeyBaselineFor(config, segment);
    const members = accounts.flatMap(({ health }) =>
      health?.segment === segment && health.journey?.judgedBy === 'milestones' ? [health.journey] : [],
    );
    const steps = journey.milestones.map((milestone): FunnelStep => {
      const step: FunnelStep = {
        milestone: milestone.id,
        label: milestone.label,
        dueDay: milestone.dueDay,
        due: 0,
        reached: 0,
        ahead: 0,
        onTime: 0,
        late: 0,
        missed: 0,
        pending: 0,
      };
      for (const member of members) {
        const stored = member.milestones.find((m) => m.milestone === milestone.id);
        if (!stored) continue;
        const daysLive = dayNumber(now) - dayNumber(member.goLiveDate);
        const status = statusNow(stored, daysLive, journey.graceDays);
        if (status === 'pending') step.pending += 1;
        else {
          step.due += 1;
          if (status === 'missed') step.missed += 1;
          else {
            step.reached += 1;
            if (status === 'ahead') step.ahead += 1;
            else if (status === 'on_time') step.onTime += 1;
            else step.late += 1;
          }
        }
      }
      return step;
    });
    return { segment, accounts: members.length, steps };
  });
}
