import { describe, expect, it } from 'vitest';
import { examplesOf } from '#core/calibration/examples';
import { evaluateHistory } from '#core/evaluation/evaluate';
import type { AccountHistory, EvaluationHistory } from '#core/evaluation/history';
import { lastDayOfData } from '#core/evaluation/history';
import type { Band } from '#core/health/vocabulary';
import { renderEvaluation } from '../../../cli/commands/evaluate.ts';

/**
 * A snapshot replayed (issue 19): one reading per account on day 0, outcomes on day 90. After day 0 no data
 * arrives; from day 30, as the reading leaves its window, every account's score moves the same way (here up by
 * 30), which says nothing about any account. Churned accounts score 50-59 on day 0, renewed ones 60-69: on the
 * snapshot day the score ranks every churn first.
 */
const DAYS = 91;
const OUTCOME_DAY = 90;
const AGED_FROM = 30;

function snapshotAccount(id: string, onSnapshotDay: number, activeUntil = 0): AccountHistory {
  const scores = Array.from({ length: DAYS }, (_, day) =>
    day < AGED_FROM ? onSnapshotDay : onSnapshotDay + 30,
  );
  return {
    accountId: id,
    segment: 'transactional',
    series: {
      scores,
      bands: scores.map((score): Band => (score < 40 ? 'red' : score < 65 ? 'yellow' : 'green')),
      activity: Array.from({ length: DAYS }, (_, day) => (day <= activeUntil ? 3 : 0)),
    },
    components: {
      engagement: scores.map((score) => score),
      adoption: new Array<number | null>(DAYS).fill(null),
      support: new Array<number | null>(DAYS).fill(null),
      sentiment: new Array<number | null>(DAYS).fill(null),
      relationship: new Array<number | null>(DAYS).fill(null),
      outcomes: new Array<number | null>(DAYS).fill(null),
    },
  };
}

function snapshotHistory(activeUntil = 0): EvaluationHistory {
  const churned = Array.from({ length: 10 }, (_, i) => snapshotAccount(`c${i}`, 50 + i, activeUntil));
  const renewed = Array.from({ length: 10 }, (_, i) => snapshotAccount(`r${i}`, 60 + i, activeUntil));
  return {
    start: '2026-03-02',
    days: DAYS,
    accounts: [...churned, ...renewed],
    outcomes: [
      ...churned.map((a) => ({ accountId: a.accountId, outcome: 'churned' as const, day: OUTCOME_DAY })),
      ...renewed.map((a) => ({ accountId: a.accountId, outcome: 'renewed' as const, day: OUTCOME_DAY })),
    ],
  };
}

const evaluate = (history: EvaluationHistory) => evaluateHistory(history, { resamples: 20, seed: 1 });
const healthScore = (history: EvaluationHistory) => {
  const evaluation = evaluate(history);
  const score = evaluation.groups[0]?.predictors.find((p) => p.id === 'health_score');
  return { evaluation, score };
};

describe('account-days after the data stopped', () => {
  it('finds the last day any account had product activity, or none', () => {
    expect(lastDayOfData(snapshotHistory())).toBe(0);
    expect(lastDayOfData(snapshotHistory(DAYS - 1))).toBe(DAYS - 1);
    const silent = snapshotHistory();
    for (const account of silent.accounts) account.series.activity.fill(0);
    expect(lastDayOfData(silent)).toBeNull();
  });

  it('are not sampled: a snapshot is judged on its day, where the score ranks every churn first', () => {
    const { evaluation, score } = healthScore(snapshotHistory());
    expect(evaluation.lastSampledDay).toBe(0);
    expect(score?.counts.auc90).toEqual({ cases: 20, positives: 10 });
    expect(score?.figures.auc90.value).toBe(1);
  });

  it('are sampled while data arrives: a churned account then counts on every seventh day to its churn', () => {
    const { evaluation, score } = healthScore(snapshotHistory(DAYS - 1));
    expect(evaluation.lastSampledDay).toBe(DAYS - 1);
    // Days 0, 7, ..., 84 of each churned account; renewed accounts only on day 0 (the horizon of later days runs
    // past the window). The aged days of the churned accounts outrank the renewed accounts' snapshot day.
    expect(score?.counts.auc90).toEqual({ cases: 10 * 13 + 10, positives: 10 * 13 });
    expect(score?.figures.auc90.value).toBeLessThan(0.5);
  });

  it('are not what calibrate learns from either', () => {
    expect(new Set(examplesOf(snapshotHistory()).map((e) => e.churned))).toEqual(new Set([true, false]));
    expect(examplesOf(snapshotHistory())).toHaveLength(20);
    expect(examplesOf(snapshotHistory(DAYS - 1))).toHaveLength(10 * 13 + 10);
  });

  it('says where sampling stopped, and why, in the printed evaluation', () => {
    expect(renderEvaluation(evaluate(snapshotHistory()))).toContain(
      "Account-days sampled up to 2026-03-02 (day 0), the last day any account's product activity arrived",
    );
    expect(renderEvaluation(evaluate(snapshotHistory(DAYS - 1)))).not.toContain('Account-days sampled up to');
  });
});
