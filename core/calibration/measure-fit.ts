import type { CustomMeasure, Scale } from '#config/measures-schema';
import { auc } from '#core/evaluation/auc';
import { OTHER_MEASURES } from '#core/evaluation/measure-readings';
import type { MeasureSwitch } from '#core/health/components/engagement';
import { round2 } from '#core/health/deviation';
import type { Example } from './examples.ts';
import { componentsUnder, type MeasureParams } from './measure-params.ts';
import { fitWeights, scoreWith } from './weights.ts';

/**
 * The scales tried: linear, and the logarithmic scale at a grid of points. A coarse grid on purpose: two
 * parameters fitted on a few dozen churns, and the held-out folds judge the choice.
 */
const SCALES: Scale[] = [
  { kind: 'linear' },
  ...[50, 70, 80, 90, 95].flatMap((atBaseline) =>
    [2, 4, 8].map((ceilingRatio): Scale => ({ kind: 'log', atBaseline, ceilingRatio })),
  ),
];
/** The expected values tried for a numeric custom measure: these quantiles of its values on the training days. */
const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];
const WEIGHTS = [0.5, 1, 2, 4];
/**
 * A change is taken only when it raises the training AUC by this much: the live setting stays unless the outcomes
 * say otherwise, and noise does not move it.
 */
export const MIN_GAIN = 0.002;
/** A category's churn rate is pulled towards the overall rate by as many days as this many accounts give. */
const PRIOR_ACCOUNTS = 5;

/** Examples with their components scored under `params` (recorded as they were where the day kept no readings). */
export const rescored = (examples: readonly Example[], params: MeasureParams): Example[] =>
  examples.map((e) =>
    e.readings ? { ...e, components: componentsUnder(params, e.readings, e.components) } : e,
  );

/**
 * How well a setting ranks the training days: the AUC, on those days, of the score with weights fitted to them
 * under it (pooled over segments: the measure parameters are the whole config's, not a segment's).
 */
function trainingAuc(examples: readonly Example[], params: MeasureParams, lambda: number): number {
  const days = rescored(examples, params);
  const weights = fitWeights(days, lambda);
  if (!weights) return 0.5;
  const cases = days.flatMap((e) => {
    const score = scoreWith(weights, e.components);
    return score === null ? [] : [{ risk: 100 - score, positive: e.churned, account: e.account }];
  });
  return auc(cases) ?? 0.5;
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (position - low);
}

/** A numeric custom measure's shapes to try: each direction, expected at quantiles of its training values. */
function numericCandidates(examples: readonly Example[], measure: CustomMeasure): CustomMeasure[] {
  if (measure.kind !== 'numeric') return [];
  const values = examples
    .flatMap((e) =>
      Object.values(e.readings?.components ?? {}).flatMap((entries) =>
        entries.flatMap(([id, , , input]) => (id === measure.id && input !== null ? [input] : [])),
      ),
    )
    .sort((a, b) => a - b);
  if (values.length === 0) return [];
  const expected = [...new Set(QUANTILES.map((q) => round2(Math.max(0, quantile(values, q)))))];
  return (['higher', 'lower'] as const).flatMap((direction) =>
    expected.map((value): CustomMeasure => ({ ...measure, direction, expected: value })),
  );
}

/**
 * A categorical custom measure's mapping from the training days: each category's rate of days followed by churn,
 * pulled towards the overall rate (by PRIOR_ACCOUNTS accounts' worth of days, so a category seen on a few days
 * stays near the middle), scaled so the riskiest category scores 0 and the safest 100; `otherwise` (a category
 * not seen in training) scores the overall rate. None when every category churns alike.
 */
function categoricalCandidate(
  examples: readonly Example[],
  measure: CustomMeasure,
): CustomMeasure | undefined {
  if (measure.kind !== 'categorical') return undefined;
  const counts = new Map<string, { days: number; churned: number }>();
  const accounts = new Set<number>();
  for (const e of examples) {
    const category = e.readings?.categories[measure.from.attribute];
    if (category === undefined) continue;
    accounts.add(e.account);
    const count = counts.get(category) ?? { days: 0, churned: 0 };
    count.days++;
    if (e.churned) count.churned++;
    counts.set(category, count);
  }
  const days = [...counts.values()].reduce((sum, c) => sum + c.days, 0);
  if (days === 0) return undefined;
  const overall = [...counts.values()].reduce((sum, c) => sum + c.churned, 0) / days;
  const prior = (PRIOR_ACCOUNTS * days) / accounts.size;
  const rates = new Map(
    [...counts].map(([category, c]) => [category, (c.churned + prior * overall) / (c.days + prior)]),
  );
  const highest = Math.max(...rates.values());
  const lowest = Math.min(...rates.values());
  if (highest - lowest < 1e-9) return undefined;
  const scoreOf = (rate: number) => Math.round((100 * (highest - rate)) / (highest - lowest));
  const scores = Object.fromEntries(
    [...rates].sort(([a], [b]) => a.localeCompare(b)).map(([c, r]) => [c, scoreOf(r)]),
  );
  return { ...measure, scores, otherwise: scoreOf(overall) };
}

/**
 * Each candidate costs a logistic fit over the days it is judged on; beyond this many days, the days of every
 * k-th account (whole accounts, so no account is half in) judge them: a few thousand accounts' days are plenty
 * to choose among a few dozen settings, and a portfolio of 10,000 accounts stays minutes, not an hour.
 */
export const MAX_FIT_DAYS = 40_000;

function thinned(examples: readonly Example[]): readonly Example[] {
  if (examples.length <= MAX_FIT_DAYS) return examples;
  const every = Math.ceil(examples.length / MAX_FIT_DAYS);
  return examples.filter((e) => e.account % every === 0);
}

const withCustom = (params: MeasureParams, measure: CustomMeasure): MeasureParams => ({
  ...params,
  custom: params.custom.map((c) => (c.id === measure.id ? measure : c)),
});

/**
 * Fits the measure parameters on training days, one at a time from the live ones: the scale; whether each
 * switched-on engagement measure (per seat, per ARR, own-history trend) stays on; then each custom measure's shape
 * (a numeric one's direction and expected value, a categorical one's mapping) and its weight. Each is set to the
 * candidate that ranks the training days best (trainingAuc), when it beats the setting in force by MIN_GAIN. Days
 * that kept no readings count as they were scored.
 */
export function fitMeasures(all: readonly Example[], live: MeasureParams, lambda: number): MeasureParams {
  if (!all.some((e) => e.readings)) return live;
  const examples = thinned(all);
  let best = live;
  let bestAuc = trainingAuc(examples, live, lambda);
  const consider = (candidate: MeasureParams) => {
    const value = trainingAuc(examples, candidate, lambda);
    if (value > bestAuc + MIN_GAIN) {
      best = candidate;
      bestAuc = value;
    }
  };
  const scaled = examples.some((e) =>
    Object.values(e.readings?.components ?? {}).some((entries) =>
      entries.some(
        ([id, , , input]) => id !== OTHER_MEASURES && input !== null && !live.custom.some((c) => c.id === id),
      ),
    ),
  );
  if (scaled) for (const scale of SCALES) consider({ ...best, scale });
  for (const setting of Object.keys(live.switches) as MeasureSwitch[])
    if (best.switches[setting]) consider({ ...best, switches: { ...best.switches, [setting]: false } });
  for (const measure of live.custom) {
    const shapes = [
      ...numericCandidates(examples, measure),
      ...[categoricalCandidate(examples, measure) ?? []].flat(),
    ];
    for (const shape of shapes)
      consider(withCustom(best, { ...shape, weight: current(best, measure).weight }));
    for (const weight of WEIGHTS) consider(withCustom(best, { ...current(best, measure), weight }));
  }
  return best;
}

const current = (params: MeasureParams, measure: CustomMeasure): CustomMeasure =>
  params.custom.find((c) => c.id === measure.id) ?? measure;
