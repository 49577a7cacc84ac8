import { describe, expect, it } from 'vitest';
import { casesOf } from '#core/evaluation/cases';
import type { DailySeries } from '#core/evaluation/daily-series';
import { evaluateHistory } from '#core/evaluation/evaluate';
import { countFigures, weighFigures } from '#core/evaluation/figures';
import type { AccountHistory, EvaluationHistory, OutcomeOnDay } from '#core/evaluation/history';
import { healthScorePredictor, predictorsOf } from '#core/evaluation/predictors';
import type { Band } from '#core/health/vocabulary';

const DAYS = 400;
const OUTCOME_DAY = 300;
const SCORE: Record<Band, number> = { green: 90, yellow: 60, red: 30 };

/** An account whose band is `band` every day, or `band` until `changeDay` and `then` after. */
function account(
  id: string,
  band: Band,
  segment = 'core',
  change?: { day: number; to: Band },
): AccountHistory {
  const bands = Array.from(
    { length: DAYS },
    (_, day): Band => (change && day >= change.day ? change.to : band),
  );
  const series: DailySeries = {
    bands,
    scores: bands.map((b) => SCORE[b]),
    activity: new Array<number>(DAYS).fill(1),
  };
  return { accountId: id, segment, series };
}

/**
 * The known table: eight renewal outcomes on day 300, the band 90 and 60 days before each:
 *   a red churned · b red renewed · c yellow churned · d green churned · e green renewed · f yellow renewed
 *   g green renewed · h green (red from day 250) churned
 */
function knownHistory(): EvaluationHistory {
  const accounts = [
    account('a', 'red'),
    account('b', 'red'),
    account('c', 'yellow'),
    account('d', 'green', 'smb'),
    account('e', 'green', 'smb'),
    account('f', 'yellow', 'smb'),
    account('g', 'green', 'smb'),
    account('h', 'green', 'core', { day: 250, to: 'red' }),
  ];
  const churned = new Set(['a', 'c', 'd', 'h']);
  const outcomes: OutcomeOnDay[] = accounts.map((a) => ({
    accountId: a.accountId,
    outcome: churned.has(a.accountId) ? 'churned' : 'renewed',
    day: OUTCOME_DAY,
  }));
  return { start: '2026-01-01', days: DAYS, accounts, outcomes };
}

function scoreFigures(history: EvaluationHistory) {
  const predictor = healthScorePredictor(history.accounts);
  const ids = history.accounts.map((a) => a.accountId);
  const cases = casesOf(predictor, ids, history.outcomes, history.days, 7);
  return { figures: weighFigures(cases), counts: countFigures(cases) };
}

describe('figures of the health score on a known table', () => {
  it('precision and recall of red and of red-or-yellow at T-90 and T-60', () => {
    const { figures, counts } = scoreFigures(knownHistory());
    // Red: a and b flagged, a churned, of four churns (a, c, d, h).
    expect(figures.atT90.red).toEqual({ precision: 1 / 2, recall: 1 / 4 });
    // Red or yellow: a, b, c, f flagged; a and c churned.
    expect(figures.atT90.redOrYellow).toEqual({ precision: 2 / 4, recall: 2 / 4 });
    // h turns red on day 250, after T-60 (day 240): the same flags.
    expect(figures.atT60.red).toEqual({ precision: 1 / 2, recall: 1 / 4 });
    expect(counts.atT90).toMatchObject({ outcomes: 8, churned: 4, red: 2, redOrYellow: 4 });
  });

  it('churn rate by band at T-90', () => {
    const { figures, counts } = scoreFigures(knownHistory());
    // green: d, e, g, h (d and h churned); yellow: c, f (c); red: a, b (a).
    expect(figures.churnRateAtT90).toEqual({ green: 2 / 4, yellow: 1 / 2, red: 1 / 2 });
    expect(counts.atT90.byBand.green).toEqual({ outcomes: 4, churned: 2 });
  });

  it('days of warning from the first red within 180 days, and churns never red', () => {
    const { figures, counts } = scoreFigures(knownHistory());
    // a is red all along: the lookback starts 180 days before the churn. h: red 50 days before. Median of 180, 50.
    expect(figures.medianDaysOfWarning).toBe(115);
    // c and d were never red.
    expect(figures.shareChurnedNeverRed).toBe(2 / 4);
    expect(counts).toMatchObject({ churnedScoredBefore: 4, churnedWarned: 2 });
  });

  it('AUC counts only days before a churn, and days whose horizon the window shows', () => {
    const { counts } = scoreFigures(knownHistory());
    // Weekly days 0..294 (before the churn on day 300): 43 per churned account. A renewed one goes on: 90 days
    // ahead are seen through day 309 (days 0..308, 45) and 180 days ahead through day 219 (0..217, 32).
    // Positives: days 210..294 (13) are within 90 days of the churn, days 126..294 (25) within 180.
    expect(counts.auc90).toEqual({ cases: 4 * 43 + 4 * 45, positives: 4 * 13 });
    expect(counts.auc180).toEqual({ cases: 4 * 43 + 4 * 32, positives: 4 * 25 });
  });

  it('leaves out outcomes whose account had no band at the checkpoint', () => {
    const history = knownHistory();
    const unscored = account('late', 'red');
    unscored.series.bands.fill(null, 0, 250);
    unscored.series.scores.fill(null, 0, 250);
    history.accounts.push(unscored);
    history.outcomes.push({ accountId: 'late', outcome: 'churned', day: OUTCOME_DAY });
    const { counts, figures } = scoreFigures(history);
    expect(counts.atT90.outcomes).toBe(8);
    // It was red from day 250 on: 50 days of warning; the median of 180, 50, 50.
    expect(figures.medianDaysOfWarning).toBe(50);
  });
});

describe('plain baselines', () => {
  const series = (activity: number[]): AccountHistory => ({
    accountId: 'x',
    segment: 'core',
    series: {
      activity,
      scores: activity.map(() => 50),
      bands: activity.map((): Band => 'yellow'),
    },
  });

  it('days since last activity count from the last active day, or from before the window', () => {
    const [, idle] = predictorsOf([series([0, 0, 3, 0, 0, 1, 0])]);
    expect(idle?.risk[0]).toEqual([1, 2, 0, 1, 2, 0, 1]);
  });

  it('days since last activity are judged only on days the account has a score, as the score is', () => {
    const unscoredAtFirst: AccountHistory = {
      accountId: 'new',
      segment: 'core',
      series: {
        activity: [0, 2, 0, 0, 0],
        scores: [null, null, 50, 50, 50],
        bands: [null, null, 'yellow', 'yellow', 'yellow'],
      },
    };
    const [, idle] = predictorsOf([unscoredAtFirst]);
    expect(idle?.risk[0]).toEqual([null, null, 1, 2, 3]);
  });

  it('activity trend is the fall of the last 30 days against the 90 before: 1 when it stopped', () => {
    const active = new Array<number>(120).fill(2);
    const stopped = [...active, ...new Array<number>(30).fill(0)];
    const [, , trend] = predictorsOf([series(stopped)]);
    const risk = trend?.risk[0] ?? [];
    // Too young to compare until 30 days stand before the recent 30.
    expect(risk[58]).toBe(0);
    expect(risk[119]).toBe(0);
    expect(risk[149]).toBe(1);
    // Halfway: 15 of the last 30 days active at the old rate.
    expect(risk[134]).toBeCloseTo(0.5, 12);
  });

  it('are banded at the shares of days the score puts in red and red-or-yellow', () => {
    const accounts = knownHistory().accounts;
    accounts.forEach((a, i) => {
      // Active once, on a day of its own: idle days hardly tie across accounts.
      a.series.activity = a.series.activity.map((_, day) => (day === 3 * i ? 1 : 0));
    });
    const [score, idle] = predictorsOf(accounts);
    const share = (bands: (Band | null)[][], wanted: Band[]) =>
      bands.flat().filter((b) => b !== null && wanted.includes(b)).length / bands.flat().length;
    expect(share(idle?.bands ?? [], ['red'])).toBeCloseTo(share(score?.bands ?? [], ['red']), 1);
    expect(share(idle?.bands ?? [], ['red', 'yellow'])).toBeCloseTo(
      share(score?.bands ?? [], ['red', 'yellow']),
      1,
    );
  });
});

describe('banding a baseline where its values tie', () => {
  it('puts the cut on the side of the tie whose count comes closer to the score’s', () => {
    const history = (id: string, activity: number[], bands: Band[]): AccountHistory => ({
      accountId: id,
      segment: 'core',
      series: { activity, bands, scores: bands.map((b) => SCORE[b]) },
    });
    // The score has 6 red days of 10. Idle days: never active 1, 2, 3, 4, 5; active daily 0, five times.
    const accounts = [
      history('idle', [0, 0, 0, 0, 0], ['red', 'red', 'red', 'red', 'red']),
      history('busy', [1, 1, 1, 1, 1], ['red', 'green', 'green', 'green', 'green']),
    ];
    const [, idle] = predictorsOf(accounts);
    // The sixth highest value is 0, tied with four more: 5 red days (all above 0) is nearer 6 than 10 are.
    expect(idle?.bands).toEqual([
      ['red', 'red', 'red', 'red', 'red'],
      ['green', 'green', 'green', 'green', 'green'],
    ]);
    // With 9 red days of 10, the tie at 0 goes in: 10 red days are nearer 9 than 5 are.
    const [, idleNine] = predictorsOf([
      accounts[0] as AccountHistory,
      history('busy', [1, 1, 1, 1, 1], ['red', 'red', 'red', 'red', 'green']),
    ]);
    expect(idleNine?.bands.flat().every((band) => band === 'red')).toBe(true);
  });
});

describe('evaluateHistory', () => {
  it('reports all accounts and each segment, the score beside both baselines, with seeded intervals', () => {
    const history = knownHistory();
    const first = evaluateHistory(history, { resamples: 50, seed: 3 });
    expect(first.groups.map((g) => [g.group, g.accounts, g.churnedAccounts])).toEqual([
      ['all', 8, 4],
      ['core', 4, 3],
      ['smb', 4, 1],
    ]);
    const [all] = first.groups;
    expect(all?.predictors.map((p) => p.id)).toEqual([
      'health_score',
      'days_since_activity',
      'activity_trend',
    ]);
    const red = all?.predictors[0]?.figures.atT90.red.precision;
    expect(red?.value).toBe(1 / 2);
    expect(red?.low).not.toBeNull();
    expect(red?.low ?? 2).toBeLessThanOrEqual(red?.value ?? -1);
    expect(red?.high ?? -1).toBeGreaterThanOrEqual(red?.value ?? 2);
    // Segment smb: d churned green at T-90, the only churn: red recall 0.
    expect(first.groups[2]?.predictors[0]?.figures.atT90.red.recall.value).toBe(0);
    expect(evaluateHistory(history, { resamples: 50, seed: 3 })).toEqual(first);
  });
});
