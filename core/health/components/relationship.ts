import { type AccountContext, recentRollups } from '../context.ts';
import { feedTooNew, notEnoughDataYet } from '../data-needed.ts';
import { effectiveWindow } from '../days.ts';
import { higherIsBetter, plural, say } from '../deviation.ts';
import { quietDay } from '../quiet-days.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type AssessmentMeasures, assessmentMeasures, measureAssessment } from './assessment.ts';
import { type BaselineSample, expected } from './expected.ts';
import { type RecentAverage, recentAverage } from './recency.ts';
import { fromMeasures } from './result.ts';
import { ago, hasSponsor, type SponsorStatus, sponsorStatus } from './sponsor.ts';

export interface RelationshipMeasures {
  sponsor: SponsorStatus;
  /**
   * False under health.measures when no sponsor contact or sponsor signal exists: the feed never arrived, so the
   * sponsor is unknown (left out of scoring and of the baseline's sponsor share), not missing.
   */
  sponsorOnRecord: boolean;
  /** Meetings held and missed over `meetingsWindowDays`. */
  meetingsHeld: number;
  meetingsMissed: number;
  /**
   * The relationship window, shortened to the days the meetings feed covers (never under MEETINGS_FLOOR_DAYS): a
   * young account, or a calendar connected late, is not expected to have held half a year's meetings.
   */
  meetingsWindowDays: number;
  /** Why the meetings feed is too new for a verdict (data-needed.ts feedTooNew), when it is. */
  meetingsTooNew?: string;
  scorecard: RecentAverage | null;
  /** The latest assessment's gap to the level aimed for, and the trend; null without a desired level. */
  assessment: AssessmentMeasures | null;
  windowDays: number;
}

/** The shortest span meetings are counted over, so that one early meeting is not read as a monthly cadence. */
const MEETINGS_FLOOR_DAYS = 30;

export function measureRelationship(context: AccountContext): RelationshipMeasures {
  const { windows, decay } = context.config.health;
  const recent = recentRollups(context, windows.relationship);
  const meetingsWindowDays = effectiveWindow(
    windows.relationship,
    context.daysOfFeed.meetings,
    MEETINGS_FLOOR_DAYS,
  );
  let meetingsHeld = 0;
  let meetingsMissed = 0;
  for (const rollup of recentRollups(context, meetingsWindowDays)) {
    if (quietDay(rollup)) continue;
    meetingsHeld += rollup.counts.meeting_held ?? 0;
    meetingsMissed += rollup.counts.meeting_missed ?? 0;
  }
  const sponsor = sponsorStatus(context);
  const meetingsTooNew = feedTooNew(context, 'meetings');
  return {
    sponsor,
    sponsorOnRecord: sponsor.state !== 'none' || !context.config.health.measures,
    meetingsHeld,
    meetingsMissed,
    meetingsWindowDays,
    ...(meetingsTooNew && { meetingsTooNew }),
    scorecard: recentAverage(recent, 'relationship_score', context.today, decay.relationshipHalfLifeDays),
    assessment: measureAssessment(recent, windows.relationship),
    windowDays: windows.relationship,
  };
}

export function relationshipSample(measured: RelationshipMeasures): BaselineSample {
  return {
    ...(measured.sponsorOnRecord && { sponsorShare: hasSponsor(measured.sponsor) ? 1 : 0 }),
    // Over the whole relationship window, at the pace of the days counted: what a baseline compares.
    ...(!measured.meetingsTooNew && {
      meetingsHeld: (measured.meetingsHeld * measured.windowDays) / measured.meetingsWindowDays,
    }),
    ...(measured.scorecard && { relationshipScore: measured.scorecard.mean }),
  };
}

function sponsorFinding(sponsor: SponsorStatus): string {
  switch (sponsor.state) {
    case 'left':
      return `sponsor left ${ago(sponsor.daysAgo)}`;
    case 'new':
      return `new sponsor joined ${ago(sponsor.daysAgo)}; no track record yet`;
    case 'none':
      return 'no sponsor on record';
    case 'established':
      return 'sponsor in place';
  }
}

function meetingsFinding(measured: RelationshipMeasures, typical: number, label: string): string {
  const { meetingsHeld: held, meetingsMissed: missed, meetingsWindowDays: days } = measured;
  if (missed > 0) return `${say(missed)} of ${plural(held + missed, 'meeting')} missed in ${days} days`;
  return `${plural(held, 'meeting')} held in ${days} days vs ${say(typical)} typical for ${label}`;
}

export function scoreRelationship(
  measured: RelationshipMeasures,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  const { label } = context.segment;
  const settings = context.config.health.relationship;
  const measures: Measure[] = [];

  const sponsorsExpected = expected(baseline, 'sponsorShare');
  const { sponsor, sponsorOnRecord } = measured;
  if (sponsorsExpected && sponsorsExpected.value >= settings.sponsorExpectedShare && sponsorOnRecord) {
    const score =
      sponsor.state === 'established' ? 100 : sponsor.state === 'new' ? settings.newSponsorScore : 0;
    measures.push({
      measure: 'sponsor',
      actual: hasSponsor(sponsor) ? 1 : 0,
      expected: sponsorsExpected.value,
      expectedFrom: sponsorsExpected.from,
      baselineMetric: 'sponsorShare',
      score,
      finding: sponsorFinding(sponsor),
    });
  }

  // Meetings are counted over months: a young account has not had the time to hold them, and one that has
  // held some is expected the baseline's pace over the days counted, not half a year's worth.
  const tooNew = notEnoughDataYet(context) ?? measured.meetingsTooNew;
  const meetingsExpected = expected(baseline, 'meetingsHeld');
  if (meetingsExpected && !tooNew) {
    const { meetingsHeld: held, meetingsMissed: missed } = measured;
    const attendance = held + missed === 0 ? 1 : held / (held + missed);
    const typical = (meetingsExpected.value * measured.meetingsWindowDays) / measured.windowDays;
    measures.push({
      measure: 'meetings',
      actual: held,
      expected: typical,
      expectedFrom: meetingsExpected.from,
      baselineMetric: 'meetingsHeld',
      score: higherIsBetter(held, typical) * attendance,
      finding: meetingsFinding(measured, typical, label),
    });
  }

  const scorecardExpected = expected(baseline, 'relationshipScore');
  if (measured.scorecard && scorecardExpected) {
    const actual = measured.scorecard.mean;
    measures.push({
      measure: 'scorecard',
      actual,
      expected: scorecardExpected.value,
      expectedFrom: scorecardExpected.from,
      baselineMetric: 'relationshipScore',
      score: higherIsBetter(actual, scorecardExpected.value),
      finding: `relationship scorecard ${say(actual)}/10 vs ${say(scorecardExpected.value)} for healthy ${label} accounts`,
    });
  }
  if (measured.assessment) measures.push(...assessmentMeasures(measured.assessment));
  return fromMeasures(
    measures,
    tooNew ??
      (sponsorOnRecord
        ? `${label} expects no sponsor, meetings or scorecard, and none was reported`
        : `${label} expects no meetings or scorecard, and no sponsor is on record (no sponsor contact or signal)`),
  );
}
