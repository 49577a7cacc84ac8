import type { Band } from '#core/health/vocabulary';
import { aucOfRanked } from './auc.ts';
import type { CheckpointCase, PredictorCases } from './cases.ts';
import { share, weightedMedian } from './statistics.ts';

/** How well flagged outcomes at a checkpoint were churns (precision) and churns were flagged (recall). */
export interface FlagFigures {
  precision: number | null;
  recall: number | null;
}

/** A predictor's figures; each is a number or null (nothing to compute it from). */
export interface Figures {
  auc90: number | null;
  auc180: number | null;
  atT90: { red: FlagFigures; redOrYellow: FlagFigures };
  atT60: { red: FlagFigures; redOrYellow: FlagFigures };
  medianDaysOfWarning: number | null;
  shareChurnedNeverRed: number | null;
  /** Churn rate of the renewal outcomes whose account was in each band at T-90. */
  churnRateAtT90: Record<Band, number | null>;
}

/** The counts behind the figures (unweighted): how much evidence each one stands on. */
export interface FigureCounts {
  auc90: { cases: number; positives: number };
  auc180: { cases: number; positives: number };
  atT90: CheckpointCounts;
  atT60: CheckpointCounts;
  churnedScoredBefore: number;
  churnedWarned: number;
}

export interface CheckpointCounts {
  outcomes: number;
  churned: number;
  red: number;
  redOrYellow: number;
  byBand: Record<Band, { outcomes: number; churned: number }>;
}

type Weights = ArrayLike<number>;
const weightOf = (weights: Weights | undefined, account: number) => (weights ? (weights[account] ?? 0) : 1);

function flagFigures(cases: readonly CheckpointCase[], flagged: (band: Band) => boolean, weights?: Weights) {
  let churned = 0;
  let flaggedCount = 0;
  let hits = 0;
  for (const c of cases) {
    const w = weightOf(weights, c.account);
    if (c.churned) churned += w;
    if (flagged(c.band)) {
      flaggedCount += w;
      if (c.churned) hits += w;
    }
  }
  return { precision: share(hits, flaggedCount), recall: share(hits, churned) };
}

const isRed = (band: Band) => band === 'red';
const isRedOrYellow = (band: Band) => band !== 'green';

function churnRateByBand(cases: readonly CheckpointCase[], weights?: Weights): Record<Band, number | null> {
  const rate = (band: Band) => {
    let outcomes = 0;
    let churned = 0;
    for (const c of cases) {
      if (c.band !== band) continue;
      const w = weightOf(weights, c.account);
      outcomes += w;
      if (c.churned) churned += w;
    }
    return share(churned, outcomes);
  };
  return { green: rate('green'), yellow: rate('yellow'), red: rate('red') };
}

/** The figures of a predictor's cases, each account counted `weights[account]` times (once when absent). */
export function weighFigures(cases: PredictorCases, weights?: Weights): Figures {
  const warnings = cases.warnings.map((c) => ({ ...c, weight: weightOf(weights, c.account) }));
  const churned = warnings.reduce((sum, c) => sum + c.weight, 0);
  const neverRed = warnings.reduce((sum, c) => sum + (c.everRed ? 0 : c.weight), 0);
  const checkpoint = (list: readonly CheckpointCase[]) => ({
    red: flagFigures(list, isRed, weights),
    redOrYellow: flagFigures(list, isRedOrYellow, weights),
  });
  return {
    auc90: aucOfRanked(cases.ranked[90], weights),
    auc180: aucOfRanked(cases.ranked[180], weights),
    atT90: checkpoint(cases.checkpoints[90]),
    atT60: checkpoint(cases.checkpoints[60]),
    medianDaysOfWarning: weightedMedian(
      warnings.flatMap((c) =>
        c.daysOfWarning === null ? [] : [{ value: c.daysOfWarning, weight: c.weight }],
      ),
    ),
    shareChurnedNeverRed: share(neverRed, churned),
    churnRateAtT90: churnRateByBand(cases.checkpoints[90], weights),
  };
}

function checkpointCounts(cases: readonly CheckpointCase[]): CheckpointCounts {
  const byBand = (band: Band) => ({
    outcomes: cases.filter((c) => c.band === band).length,
    churned: cases.filter((c) => c.band === band && c.churned).length,
  });
  return {
    outcomes: cases.length,
    churned: cases.filter((c) => c.churned).length,
    red: cases.filter((c) => isRed(c.band)).length,
    redOrYellow: cases.filter((c) => isRedOrYellow(c.band)).length,
    byBand: { green: byBand('green'), yellow: byBand('yellow'), red: byBand('red') },
  };
}

export function countFigures(cases: PredictorCases): FigureCounts {
  const ranked = (list: PredictorCases['ranked'][90]) => ({
    cases: list.length,
    positives: list.filter((c) => c.positive).length,
  });
  return {
    auc90: ranked(cases.ranked[90]),
    auc180: ranked(cases.ranked[180]),
    atT90: checkpointCounts(cases.checkpoints[90]),
    atT60: checkpointCounts(cases.checkpoints[60]),
    churnedScoredBefore: cases.warnings.length,
    churnedWarned: cases.warnings.filter((c) => c.daysOfWarning !== null).length,
  };
}

/** Restricts cases to a group's accounts (a segment), so its resamples weigh only what is its own. */
export function casesFor(cases: PredictorCases, inGroup: (account: number) => boolean): PredictorCases {
  const keep = <T extends { account: number }>(list: readonly T[]) => list.filter((c) => inGroup(c.account));
  return {
    ranked: { 90: keep(cases.ranked[90]), 180: keep(cases.ranked[180]) },
    checkpoints: { 90: keep(cases.checkpoints[90]), 60: keep(cases.checkpoints[60]) },
    warnings: keep(cases.warnings),
  };
}
