import type { RenewalOutcome } from '#core/signals';
import type { ComponentSeries } from './component-series.ts';
import type { DailySeries } from './daily-series.ts';
import type { DayReadings } from './measure-readings.ts';
import type { RiskOpening } from './triggers.ts';

/** One account's days over the evaluated window, and the segment it is judged in. */
export interface AccountHistory {
  accountId: string;
  segment: string;
  series: DailySeries;
  /** Each health component's score day by day, when the history keeps it (what calibrate fits on). */
  components?: ComponentSeries;
  /** The measures behind the components on the days calibrate reads, when the history keeps them (measure-readings.ts). */
  readings?: ReadonlyMap<number, DayReadings>;
}

/** A renewal outcome on a day of the window (index 0 is its first day). */
export interface OutcomeOnDay {
  accountId: string;
  outcome: RenewalOutcome;
  day: number;
}

/** What `evaluate` judges: accounts day by day over `days` days from `start`, and the outcomes that followed. */
export interface EvaluationHistory {
  start: string;
  days: number;
  accounts: AccountHistory[];
  outcomes: OutcomeOnDay[];
  /** The risks opened over the window and their triggers, when the history keeps them (trigger precision). */
  riskOpenings?: RiskOpening[];
}

const DAY_MS = 86_400_000;

/** The day of the window an instant falls on (may be outside it). */
export const dayOfWindow = (start: string, at: string) =>
  Math.floor((Date.parse(at) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);

/**
 * The last day of the window on which any account's product activity arrived, or null when none ever did. After
 * it the portfolio's data has stopped (a one-off snapshot replayed, an export that ends early): scores still change
 * as the readings age out of their windows, by the same mechanics for every account, which is nothing the accounts
 * did. Account-days after it are not evidence of how well the score foretells churn, and are not sampled.
 */
export function lastDayOfData(history: Pick<EvaluationHistory, 'accounts'>): number | null {
  let last: number | null = null;
  for (const { series } of history.accounts) {
    for (let day = series.activity.length - 1; day > (last ?? -1); day--) {
      if ((series.activity[day] ?? 0) > 0) {
        last = day;
        break;
      }
    }
  }
  return last;
}
