import type { BandThresholds } from '#config/schema';
import { COMPONENT_IDS, type ComponentId } from '#core/health/vocabulary';
import type { Example } from './examples.ts';
import { fitLogistic } from './logistic.ts';

export type Weights = Partial<Record<ComponentId, number>>;

/** The score the weights give: the weighted mean of the known components, as scoring renormalises (null: none). */
export function scoreWith(weights: Weights, components: readonly (number | null)[]): number | null {
  let sum = 0;
  let total = 0;
  COMPONENT_IDS.forEach((component, index) => {
    const weight = weights[component] ?? 0;
    const value = components[index];
    if (weight > 0 && value !== null && value !== undefined) {
      sum += weight * value;
      total += weight;
    }
  });
  return total > 0 ? sum / total : null;
}

/**
 * Fits churn on the components' scores (L2 logistic regression; an unknown component counts at the mean of the
 * known ones, so it neither raises nor lowers the odds) and turns the fit into config weights: each component
 * weighs what a point of it lowers the log-odds of churn, scaled to sum to 100. A component whose higher score
 * goes with more churn, or none, gets no weight. Null when no component foretells churn at all.
 */
export function fitWeights(examples: readonly Example[], lambda: number): Weights | null {
  const means = COMPONENT_IDS.map((_, j) => {
    const known = examples.flatMap((e) => (e.components[j] === null ? [] : [e.components[j] as number]));
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  });
  const rows = examples.map((e) => e.components.map((value, j) => value ?? (means[j] as number)));
  const model = fitLogistic(
    rows,
    examples.map((e) => (e.churned ? 1 : 0)),
    { lambda },
  );
  const protective = model.coefficients.map((c) => Math.max(0, -c));
  const total = protective.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const weights: Weights = {};
  COMPONENT_IDS.forEach((component, j) => {
    const weight = Math.round(((protective[j] ?? 0) / total) * 1000) / 10;
    if (weight > 0) weights[component] = weight;
  });
  return Object.keys(weights).length ? weights : null;
}

/** Precision and recall of flagging the scores below `cut` as days before a churn. */
function flagging(scored: readonly { score: number; churned: boolean }[], cut: number) {
  let flagged = 0;
  let hits = 0;
  let churned = 0;
  for (const s of scored) {
    if (s.churned) churned++;
    if (s.score < cut) {
      flagged++;
      if (s.churned) hits++;
    }
  }
  const precision = flagged ? hits / flagged : 0;
  const recall = churned ? hits / churned : 0;
  return { recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Catch this share of the days before a churn in red or yellow: the green line. */
export const WARN_RECALL = 0.8;

/**
 * Band lines for scores of known outcome: red below the line where red best balances precision and recall of
 * the days before a churn (the highest F1, the lowest such line), green from the lowest line above it that
 * catches 80% of those days in red or yellow. Whole points, yellow below green. Null without both kinds of day.
 */
export function fitBands(scored: readonly { score: number; churned: boolean }[]): BandThresholds | null {
  if (!scored.some((s) => s.churned) || scored.every((s) => s.churned)) return null;
  let yellow = 1;
  let best = Number.NEGATIVE_INFINITY;
  for (let cut = 1; cut <= 99; cut++) {
    const { f1 } = flagging(scored, cut);
    if (f1 > best) {
      best = f1;
      yellow = cut;
    }
  }
  let green = 100;
  for (let cut = yellow + 1; cut <= 100; cut++) {
    if (flagging(scored, cut).recall >= WARN_RECALL) {
      green = cut;
      break;
    }
  }
  return { green: Math.max(green, yellow + 1), yellow };
}
