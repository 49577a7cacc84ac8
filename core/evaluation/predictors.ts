import type { Band } from '#core/health/vocabulary';
import type { AccountHistory } from './history.ts';

/**
 * Something that ranks accounts by risk each day: the health score, or a plain baseline beside it. Indexed by
 * account (in the history's order), then by day; null where it says nothing (the account not yet scored).
 */
export interface Predictor {
  id: PredictorId;
  label: string;
  risk: (number | null)[][];
  bands: (Band | null)[][];
}

export const PREDICTORS = {
  health_score: 'health score',
  days_since_activity: 'days since last activity',
  activity_trend: 'activity trend',
} as const;
export type PredictorId = keyof typeof PREDICTORS;

/** The score as churnguard shows it: lower is riskier; its bands are its own. */
export function healthScorePredictor(accounts: readonly AccountHistory[]): Predictor {
  return {
    id: 'health_score',
    label: PREDICTORS.health_score,
    risk: accounts.map((a) => a.series.scores.map((score) => (score === null ? null : 100 - score))),
    bands: accounts.map((a) => [...a.series.bands]),
  };
}

/**
 * Days since the account's last day with product activity (before the window it is unknown, so an account silent
 * since the start counts the days since the start). Judged only on days the score is, so both rank the same days.
 */
function daysSinceActivity(account: AccountHistory): (number | null)[] {
  let last = -1;
  return account.series.activity.map((count, day) => {
    if (count > 0) last = day;
    return account.series.scores[day] === null ? null : day - last;
  });
}

const RECENT_DAYS = 30;
const BEFORE_DAYS = 90;

/**
 * How far activity fell: the daily rate of the last 30 days against that of the 90 before (fewer when the window
 * is younger), as (before - recent) / the larger of the two: 1 when it stopped, 0 when steady or never active,
 * negative when it grew. 0 (no sign either way) until there are 30 days before the recent ones to compare with.
 */
function activityTrend(account: AccountHistory): (number | null)[] {
  const prefix = [0];
  for (const count of account.series.activity) prefix.push((prefix.at(-1) ?? 0) + count);
  const sum = (from: number, to: number) => (prefix[to] ?? 0) - (prefix[Math.max(0, from)] ?? 0);
  return account.series.activity.map((_, day) => {
    if (account.series.scores[day] === null) return null;
    const recentFrom = day + 1 - RECENT_DAYS;
    const beforeFrom = Math.max(0, recentFrom - BEFORE_DAYS);
    if (recentFrom - beforeFrom < RECENT_DAYS) return 0;
    const recent = sum(recentFrom, day + 1) / RECENT_DAYS;
    const before = sum(beforeFrom, recentFrom) / (recentFrom - beforeFrom);
    const larger = Math.max(recent, before);
    return larger === 0 ? 0 : (before - recent) / larger;
  });
}

/**
 * A baseline's risk cut into bands at the shares of days the score puts in red and in red-or-yellow, so "red"
 * flags as many account-days for each predictor and their precision and recall compare like with like. At a tie
 * the cut goes where the count comes closer to the score's.
 */
function bandsAtShares(risk: readonly (number | null)[][], redShare: number, warnShare: number) {
  const values = risk
    .flat()
    .filter((r): r is number => r !== null)
    .sort((a, b) => b - a);
  const cut = (share: number): ((r: number) => boolean) => {
    const target = Math.round(share * values.length);
    if (target === 0) return () => false;
    const at = values[target - 1] as number;
    const atOrAbove = values.filter((r) => r >= at).length;
    const above = values.filter((r) => r > at).length;
    return atOrAbove - target <= target - above ? (r) => r >= at : (r) => r > at;
  };
  const red = cut(redShare);
  const warn = cut(warnShare);
  return risk.map((days) =>
    days.map((r): Band | null => (r === null ? null : red(r) ? 'red' : warn(r) ? 'yellow' : 'green')),
  );
}

function bandShares(bands: readonly (Band | null)[][]) {
  const known = bands.flat().filter((b): b is Band => b !== null);
  const red = known.filter((b) => b === 'red').length;
  const yellow = known.filter((b) => b === 'yellow').length;
  return known.length
    ? { red: red / known.length, warn: (red + yellow) / known.length }
    : { red: 0, warn: 0 };
}

/** The health score and the two plain baselines, banded alike, over the same accounts and days. */
export function predictorsOf(accounts: readonly AccountHistory[]): Predictor[] {
  const score = healthScorePredictor(accounts);
  const shares = bandShares(score.bands);
  const baseline = (id: PredictorId, risk: (number | null)[][]): Predictor => ({
    id,
    label: PREDICTORS[id],
    risk,
    bands: bandsAtShares(risk, shares.red, shares.warn),
  });
  return [
    score,
    baseline('days_since_activity', accounts.map(daysSinceActivity)),
    baseline('activity_trend', accounts.map(activityTrend)),
  ];
}
