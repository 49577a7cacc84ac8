import type { Band } from '#core/health/vocabulary';
import { type RankedCase, rankCases } from './auc.ts';
import type { OutcomeOnDay } from './history.ts';
import type { Predictor } from './predictors.ts';

/** The horizons AUC is judged over: churn within the next 90 and 180 days. */
export const HORIZONS = [90, 180] as const;
/** Account-days are sampled every this many days from the window's first (a week: every weekday in turn). */
export const SAMPLE_STEP = 7;
/** The checkpoints before each renewal outcome at which the band is read. */
export const CHECKPOINTS = [90, 60] as const;
/** How far before a churn the first red counts as warning of it. */
export const WARNING_LOOKBACK_DAYS = 180;

/** The band in force `days` before a renewal outcome, and whether the outcome was churn. */
export interface CheckpointCase {
  account: number;
  band: Band;
  churned: boolean;
}

/** A churn, and how it was warned of: days from the first red in the lookback to the churn, if any. */
export interface WarningCase {
  account: number;
  everRed: boolean;
  daysOfWarning: number | null;
}

/** Everything a predictor's figures are weighed from, computed once and weighed again for each resample. */
export interface PredictorCases {
  /** Per horizon: account-days (every `step` days) ranked by risk, positive when churn followed within it. */
  ranked: Record<(typeof HORIZONS)[number], RankedCase[]>;
  /** Per checkpoint: each renewal outcome whose account had a band that many days before it. */
  checkpoints: Record<(typeof CHECKPOINTS)[number], CheckpointCase[]>;
  /** Churns of accounts scored at least once before them. */
  warnings: WarningCase[];
}

/** The first churn day of each account (index into the accounts), or none. */
export function churnDays(
  accountIds: readonly string[],
  outcomes: readonly OutcomeOnDay[],
): (number | undefined)[] {
  const first = new Map<string, number>();
  for (const o of outcomes) {
    if (o.outcome !== 'churned') continue;
    const seen = first.get(o.accountId);
    if (seen === undefined || o.day < seen) first.set(o.accountId, o.day);
  }
  return accountIds.map((id) => first.get(id));
}

/**
 * An account-day is a case for a horizon when its account was still a customer (the churn, if any, comes after the
 * day: the score of a day never sees its churn) and the window shows how it ended: churn within the horizon, or
 * the whole horizon observed without churn. Days whose horizon runs past the window's end without a churn are left
 * out (their answer is unknown), as are days after a churn and days after `lastDay` (history.ts lastDayOfData: the
 * data had stopped). Yields the days (every `step`) of one account that are cases for a horizon, and whether churn
 * followed within it.
 */
export function* labelledDays(
  churn: number | undefined,
  days: number,
  horizon: number,
  step: number,
  lastDay = days - 1,
): Generator<{ day: number; positive: boolean }> {
  for (let day = 0; day < days && day <= lastDay; day += step) {
    if (churn !== undefined && churn <= day) return;
    const positive = churn !== undefined && churn - day <= horizon;
    if (positive || day + horizon <= days - 1) yield { day, positive };
  }
}

function rankedCases(
  predictor: Predictor,
  churnDay: readonly (number | undefined)[],
  days: number,
  horizon: number,
  step: number,
  lastDay: number,
): RankedCase[] {
  const cases: RankedCase[] = [];
  predictor.risk.forEach((riskByDay, account) => {
    for (const { day, positive } of labelledDays(churnDay[account], days, horizon, step, lastDay)) {
      const risk = riskByDay[day];
      if (risk !== null && risk !== undefined) cases.push({ risk, positive, account });
    }
  });
  return rankCases(cases);
}

function checkpointCases(
  predictor: Predictor,
  accountIndex: ReadonlyMap<string, number>,
  outcomes: readonly OutcomeOnDay[],
  before: number,
): CheckpointCase[] {
  return outcomes.flatMap((o) => {
    const account = accountIndex.get(o.accountId);
    const band = account === undefined ? null : predictor.bands[account]?.[o.day - before];
    return account !== undefined && band ? [{ account, band, churned: o.outcome === 'churned' }] : [];
  });
}

function warningCases(predictor: Predictor, churnDay: readonly (number | undefined)[]): WarningCase[] {
  return churnDay.flatMap((churn, account) => {
    if (churn === undefined) return [];
    const before = (predictor.bands[account] ?? []).slice(0, Math.max(0, churn));
    if (!before.some((band) => band !== null)) return [];
    const firstRed = before.findIndex((band, day) => band === 'red' && day >= churn - WARNING_LOOKBACK_DAYS);
    return [
      {
        account,
        everRed: before.includes('red'),
        daysOfWarning: firstRed === -1 ? null : churn - firstRed,
      },
    ];
  });
}

export function casesOf(
  predictor: Predictor,
  accountIds: readonly string[],
  outcomes: readonly OutcomeOnDay[],
  days: number,
  step: number,
  lastDay = days - 1,
): PredictorCases {
  const churnDay = churnDays(accountIds, outcomes);
  const accountIndex = new Map(accountIds.map((id, index) => [id, index]));
  return {
    ranked: {
      90: rankedCases(predictor, churnDay, days, 90, step, lastDay),
      180: rankedCases(predictor, churnDay, days, 180, step, lastDay),
    },
    checkpoints: {
      90: checkpointCases(predictor, accountIndex, outcomes, 90),
      60: checkpointCases(predictor, accountIndex, outcomes, 60),
    },
    warnings: warningCases(predictor, churnDay),
  };
}
