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
 * Fits churn on the components' scores (L2 logistic regression) and turns the fit into config weights: each
 * component weighs what a point of it lowers the log-odds of churn, scaled to sum to 100. Config weights cannot be
 * negative, so the fit is made under that constraint: a component whose higher score goes with more churn (or
 * none) is dropped and the others are fitted again without it, until every one left lowers the odds. (Zeroing it
 * without a refit would keep the others' coefficients as fitted to make up for it, and rank worse.) An unknown
 * component is filled in with the day's score, the value scoring's renormalisation over the known components gives
 * it, so the fit sees the days as the score it proposes will. Null when no component foretells churn at all.
 */
export function fitWeights(examples: readonly Example[], lambda: number): Weights | null {
  const labels = examples.map((e) => (e.churned ? 1 : 0));
  let active = COMPONENT_IDS.flatMap((_, j) => (examples.some((e) => e.components[j] !== null) ? [j] : []));
  while (active.length > 0) {
    const rows = examples.map((e) => active.map((j) => e.components[j] ?? e.score));
    const { coefficients } = fitLogistic(rows, labels, { lambda });
    const protective = active.filter((_, k) => (coefficients[k] ?? 0) < 0);
    if (protective.length < active.length) {
      active = protective;
      continue;
    }
    const total = coefficients.reduce((sum, c) => sum - c, 0);
    const weights: Weights = {};
    active.forEach((j, k) => {
      const weight = Math.round((-(coefficients[k] ?? 0) / total) * 1000) / 10;
      const component = COMPONENT_IDS[j];
      if (component && weight > 0) weights[component] = weight;
    });
    return Object.keys(weights).length ? weights : null;
  }
  return null;
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
