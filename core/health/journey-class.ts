import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { dayNumber } from './days.ts';
import { plural } from './deviation.ts';
import { type JourneyBaseline, type JourneyMilestone, journeyBaselineFor } from './journey-baseline.ts';
import type { MilestoneAchievement } from './milestones.ts';
import { assignSegment } from './segmentation.ts';
import type { Band, JourneyClass } from './vocabulary.ts';

export type MilestoneStatus = 'ahead' | 'on_time' | 'late' | 'missed' | 'pending';

export interface MilestoneStanding {
  milestone: string;
  label: string;
  dueDay: number;
  /** Days after go-live it was reached; null while not reached. */
  reachedDay: number | null;
  status: MilestoneStatus;
}

/**
 * What a class rests on: `milestones` for an account the data saw go live, `health` for an established account
 * whose onboarding happened before the data began (its early milestones would read as missed).
 */
export type JudgedBy = 'milestones' | 'health';

export interface JourneyStanding {
  accountId: string;
  segment: string;
  journeyClass: JourneyClass;
  judgedBy: JudgedBy;
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

/** What the data knows of an account beside its milestones: since when it has data, and its current health. */
export interface Observation {
  /** The first UTC day the data covers the account (`YYYY-MM-DD`): its registration or its earliest rollup. */
  dataSince: string;
  health: { score: number | null; band: Band | 'unknown' };
}

/**
 * The score from which an established account counts as a Champion: the upper half of its segment's green band
 * (halfway from the green line to 100).
 */
export function championScore(greenLine: number): number {
  return greenLine + (100 - greenLine) / 2;
}

/**
 * The class of an established account, by its health against its segment: red is a Laggard, the upper half of
 * the green band a Champion, anything else (yellow, lower green, not scored) a Cruiser. Its pace is how far the
 * score sits above (+) or below (-) the green line, as a share of the way to 100 or to 0, for the stack-rank.
 */
function classByHealth(config: Config, segment: string, health: Observation['health']) {
  const green = config.segments[segment]?.health.bands.green ?? 100;
  const { score, band } = health;
  const journeyClass: JourneyClass =
    band === 'red'
      ? 'laggard'
      : band === 'green' && score !== null && score >= championScore(green)
        ? 'champion'
        : 'cruiser';
  const pace =
    score === null
      ? 0
      : score >= green
        ? (score - green) / Math.max(1, 100 - green)
        : (score - green) / Math.max(1, green);
  return { journeyClass, pace: Math.max(-1, Math.min(1, pace)) };
}

/**
 * The last day of onboarding: the latest due day of the journey's milestones detected from product signals (first
 * login, configuration complete), not from value realised; the first milestone's when every one is a value one.
 */
export function onboardingDueDay(journey: JourneyBaseline): number {
  const onboarding = journey.milestones.filter((m) => m.detect.kind !== 'value').map((m) => m.dueDay);
  const days = onboarding.length > 0 ? onboarding : journey.milestones.slice(0, 1).map((m) => m.dueDay);
  return days.length > 0 ? Math.max(...days) : 0;
}

/**
 * True when the data began after the account's onboarding was due (its go-live plus onboardingDueDay): whether its
 * onboarding came on time is then unknowable. Data that begins during onboarding still shows it (a first login on
 * day 9 of a history whose first record it is reads as late, not as unknown), and an account registered a few days
 * after going live is judged as usual.
 */
export function onboardingPredatesData(
  goLiveDate: string,
  journey: JourneyBaseline,
  dataSince: string,
): boolean {
  return dayNumber(dataSince) > dayNumber(goLiveDate) + onboardingDueDay(journey);
}

/**
 * Champion, Cruiser or Laggard (seed 004). For an account the data saw go live, from milestone timing against the
 * segment's journey baseline, each milestone judged against its own due day: a Laggard is late for or has missed
 * any milestone (beyond the grace days); a Champion has reached every milestone due so far ahead of schedule (by
 * `championLead` of its due day, and at least a day); a Cruiser is on course. An established account, one whose
 * data began after its onboarding was due (onboardingPredatesData), is classed by its health against its segment instead (classByHealth): its early
 * milestones happened before any data and would read as missed. Without `observed`, every account is judged by
 * milestones.
 */
export function classifyJourney(
  config: Config,
  account: AccountInput,
  achievements: readonly MilestoneAchievement[],
  now: Date,
  observed?: Observation,
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
  if (observed && onboardingPredatesData(account.goLiveDate, journey, observed.dataSince)) {
    const { score, band } = observed.health;
    const health = score === null ? 'no score yet' : `${band}, ${score}`;
    return {
      accountId: account.id,
      segment,
      ...classByHealth(config, segment, observed.health),
      judgedBy: 'health',
      daysLive,
      milestones,
      reasons: [
        `went live on ${account.goLiveDate}, before the data began on ${observed.dataSince}: classed by health against the segment (${health})`,
      ],
    };
  }
  return {
    accountId: account.id,
    segment,
    journeyClass: classify(milestones, daysLive),
    judgedBy: 'milestones',
    daysLive,
    pace: paceOf(milestones, daysLive),
    milestones,
    reasons: milestones.map((standing) => describe(standing, daysLive)),
  };
}
