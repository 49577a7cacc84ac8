import type { DailyRollup } from '#core/rollup';
import { type AccountContext, recentRollups } from '../context.ts';
import { higherIsBetter, say } from '../deviation.ts';
import { journeyBaselineFor, valueTargetAt } from '../journey-baseline.ts';
import type { ComponentResult } from '../types.ts';
import { fromMeasures } from './result.ts';

export interface OutcomeMeasures {
  /** Latest reported percent of target value realised. */
  valueRealized: number;
  reportedOn: string;
}

/** Null when no value_realized signal arrived within the window. */
export function measureOutcomes(context: AccountContext): OutcomeMeasures | null {
  const recent = recentRollups(context, context.config.health.windows.outcomes);
  for (let i = recent.length - 1; i >= 0; i--) {
    const rollup = recent[i] as DailyRollup;
    const value = rollup.latestValues.value_realized;
    if (value !== undefined) return { valueRealized: value, reportedOn: rollup.day };
  }
  return null;
}

/** Judged against the journey target for the account's age, the segment's own baseline for value. */
export function scoreOutcomes(measured: OutcomeMeasures | null, context: AccountContext): ComponentResult {
  if (!measured) {
    return {
      status: 'unknown',
      reason: `no value realised reported in the last ${context.config.health.windows.outcomes} days`,
    };
  }
  const journey = journeyBaselineFor(context.config, context.segment.segment);
  const target = valueTargetAt(journey, context.daysLive);
  if (target === null || target <= 0) {
    const why = target === null ? 'the journey sets no value milestone' : 'the account is not live yet';
    return { status: 'unknown', reason: `no value target to compare with: ${why}` };
  }
  const actual = measured.valueRealized;
  return fromMeasures(
    [
      {
        measure: 'value',
        actual,
        expected: target,
        expectedFrom: 'journey',
        score: higherIsBetter(actual, target),
        finding: `value realised ${say(actual)}% vs ${say(target)}% expected by day ${context.daysLive}`,
      },
    ],
    '',
  );
}
