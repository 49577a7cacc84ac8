import type { DailyRollup } from '#core/rollup';
import { compareText } from '#core/text';
import { higherIsBetter, say } from '../deviation.ts';
import type { Measure } from '../types.ts';

/**
 * seed 001's relationship assessment: the current level against the level both sides aim for (the gap), and how
 * the level moved over the window (the trend: 4/10 to over 7/10 in 18 months is the plan working).
 */
export interface AssessmentMeasures {
  latest: number;
  desired: number;
  assessor: string | null;
  /** The first scorecard of the window, when the window holds an earlier one than the latest. */
  earliest: { value: number; day: string } | null;
  windowDays: number;
}

/** The latest scorecard of the window, when it carries a desired level; null otherwise (no assessment to judge). */
export function measureAssessment(
  rollups: readonly DailyRollup[],
  windowDays: number,
): AssessmentMeasures | null {
  const scored = rollups
    .filter((r) => r.latestValues.relationship_score !== undefined)
    .sort((a, b) => compareText(a.day, b.day));
  const last = scored.at(-1);
  const desired = last?.relationshipAssessment?.desired;
  if (!last || desired === undefined || desired === null) return null;
  const first = scored[0];
  return {
    latest: last.latestValues.relationship_score ?? 0,
    desired,
    assessor: last.relationshipAssessment?.assessor ?? null,
    earliest:
      first && first !== last ? { value: first.latestValues.relationship_score ?? 0, day: first.day } : null,
    windowDays,
  };
}

/** A fall of this many points over the window scores 0; a steady or rising level scores 100. */
const TREND_FLOOR_POINTS = 4;

export function assessmentMeasures(measured: AssessmentMeasures): Measure[] {
  const { latest, desired, assessor, earliest } = measured;
  const by = assessor ? ` (assessed by ${assessor})` : '';
  const gap = Math.max(0, desired - latest);
  const measures: Measure[] = [
    {
      measure: 'relationship_gap',
      actual: latest,
      expected: desired,
      expectedFrom: 'rule',
      score: higherIsBetter(latest, desired),
      finding:
        gap > 0
          ? `relationship ${say(latest)}/10 against the ${say(desired)}/10 aimed for: a gap of ${say(gap)}${by}`
          : `relationship ${say(latest)}/10 at or above the ${say(desired)}/10 aimed for${by}`,
    },
  ];
  if (earliest) {
    const change = latest - earliest.value;
    measures.push({
      measure: 'relationship_trend',
      actual: change,
      expected: 0,
      expectedFrom: 'rule',
      score: change >= 0 ? 100 : Math.max(0, 100 * (1 + change / TREND_FLOOR_POINTS)),
      finding:
        change === 0
          ? `relationship level unchanged at ${say(latest)}/10 since ${earliest.day}`
          : `relationship level ${change > 0 ? 'up' : 'down'} from ${say(earliest.value)}/10 on ${earliest.day} to ${say(latest)}/10`,
    });
  }
  return measures;
}
