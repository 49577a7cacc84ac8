import { churnDays, labelledDays, SAMPLE_STEP } from '#core/evaluation/cases';
import { type EvaluationHistory, lastDayOfData } from '#core/evaluation/history';
import type { DayReadings } from '#core/evaluation/measure-readings';
import { COMPONENT_IDS } from '#core/health/vocabulary';

/** Calibrate judges the score by churn within the next 90 days, as evaluate's first AUC does. */
export const CALIBRATION_HORIZON = 90;

/**
 * One account-day to learn from: each component's score that day (null: unknown), the score churnguard gave, and
 * whether churn followed within the horizon. Features come from the day itself, which ends before the churn.
 */
export interface Example {
  account: number;
  segment: string;
  components: (number | null)[];
  score: number;
  churned: boolean;
  /** The measures behind the components that day, when the history keeps them: what measure parameters are fitted on. */
  readings?: DayReadings;
}

/**
 * Weekly account-days of accounts scored that day, labelled and sampled as evaluate does (no day after a churn, none
 * after the data stopped).
 */
export function examplesOf(history: EvaluationHistory, step = SAMPLE_STEP): Example[] {
  const churn = churnDays(
    history.accounts.map((a) => a.accountId),
    history.outcomes,
  );
  const lastDay = lastDayOfData(history) ?? history.days - 1;
  return history.accounts.flatMap((account, index) => {
    const components = account.components;
    if (!components) return [];
    const examples: Example[] = [];
    for (const { day, positive } of labelledDays(
      churn[index],
      history.days,
      CALIBRATION_HORIZON,
      step,
      lastDay,
    )) {
      const score = account.series.scores[day];
      if (score === null || score === undefined) continue;
      const readings = account.readings?.get(day);
      examples.push({
        account: index,
        segment: account.segment,
        components: COMPONENT_IDS.map((c) => components[c][day] ?? null),
        score,
        churned: positive,
        ...(readings ? { readings } : {}),
      });
    }
    return examples;
  });
}
