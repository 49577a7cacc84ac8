import { type AccountContext, recentRollups } from '../context.ts';
import { notEnoughDataYet } from '../data-needed.ts';
import { higherIsBetter, plural, say } from '../deviation.ts';
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
  meetingsHeld: number;
  meetingsMissed: number;
  scorecard: RecentAverage | null;
  /** The latest assessment's gap to the level aimed for, and the trend; null without a desired level. */
  assessment: AssessmentMeasures | null;
  windowDays: number;
}

export function measureRelationship(context: AccountContext): RelationshipMeasures {
  const { windows, decay } = context.config.health;
  const recent = recentRollups(context, windows.relationship);
  let meetingsHeld = 0;
  let meetingsMissed = 0;
  for (const { counts } of recent) {
    meetingsHeld += counts.meeting_held ?? 0;
    meetingsMissed += counts.meeting_missed ?? 0;
  }
  const sponsor = sponsorStatus(context);
  return {
    sponsor,
    sponsorOnRecord: sponsor.state !== 'none' || !context.config.health.measures,
    meetingsHeld,
    meetingsMissed,
    scorecard: recentAverage(recent, 'relationship_score', context.today, decay.relationshipHalfLifeDays),
    assessment: measureAssessment(recent, windows.relationship),
    windowDays: windows.relationship,
  };
}

export function relationshipSample(measured: RelationshipMeasures): BaselineSample {
  return {
    ...(measured.sponsorOnRecord && { sponsorShare: hasSponsor(measured.sponsor) ? 1 : 0 }),
    meetingsHeld: measured.meetingsHeld,
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
  const { meetingsHeld: held, meetingsMissed: missed, windowDays } = measured;
  if (missed > 0) return `${say(missed)} of ${plural(held + missed, 'meeting')} missed in ${windowDays} days`;
  return `${plural(held, 'meeting')} held in ${windowDays} days vs ${say(typical)} typical for ${label}`;
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

  // Meetings are counted over months: a young account has not had the time to hold them.
  const tooNew = notEnoughDataYet(context);
  const meetingsExpected = expected(baseline, 'meetingsHeld');
  if (meetingsExpected && !tooNew) {
    const { meetingsHeld: held, meetingsMissed: missed } = measured;
    const attendance = held + missed === 0 ? 1 : held / (held + missed);
    measures.push({
      measure: 'meetings',
      actual: held,
      expected: meetingsExpected.value,
      expectedFrom: meetingsExpected.from,
      baselineMetric: 'meetingsHeld',
      score: higherIsBetter(held, meetingsExpected.value) * attendance,
      finding: meetingsFinding(measured, meetingsExpected.value, label),
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
