import { accountResamples, type BootstrapOptions, type Estimate, interval } from './bootstrap.ts';
import { casesOf, type PredictorCases, SAMPLE_STEP } from './cases.ts';
import { casesFor, countFigures, type FigureCounts, type Figures, weighFigures } from './figures.ts';
import { type EvaluationHistory, lastDayOfData } from './history.ts';
import { type PredictorId, predictorsOf } from './predictors.ts';
import { type TriggerPrecision, triggerCases, triggerPrecision } from './triggers.ts';

/** Figures with an interval in place of each number. */
export type Estimated<T> = T extends number | null ? Estimate : { [K in keyof T]: Estimated<T[K]> };

export interface PredictorEvaluation {
  id: PredictorId;
  label: string;
  figures: Estimated<Figures>;
  counts: FigureCounts;
}

export interface GroupEvaluation {
  /** `all`, or a segment's id. */
  group: string;
  accounts: number;
  churnedAccounts: number;
  /** The group's renewal outcomes in the window and how many were churn: the base rate a trigger's precision beats or not. */
  renewalOutcomes: { outcomes: number; churned: number };
  predictors: PredictorEvaluation[];
  /** Per risk trigger, the accounts it opened risks on and how they ended; null when the history does not keep them. */
  triggers: TriggerPrecision[] | null;
}

export interface Evaluation {
  start: string;
  days: number;
  /** Account-days are sampled every `step` days for AUC. */
  step: number;
  /**
   * The last day account-days are sampled on: the last day any account's product activity arrived (history.ts
   * lastDayOfData); `days - 1` when the data ran to the window's end or never arrived at all.
   */
  lastSampledDay: number;
  bootstrap: BootstrapOptions;
  groups: GroupEvaluation[];
}

export interface EvaluateOptions extends BootstrapOptions {
  /** Sample account-days for AUC every this many days (default 7: a week). */
  step?: number;
}

function estimate(
  cases: PredictorCases,
  group: readonly number[],
  accountCount: number,
  bootstrap: BootstrapOptions,
): Estimated<Figures> {
  const point = weighFigures(cases);
  const resampled: Figures[] = [];
  for (const weights of accountResamples(group, accountCount, bootstrap))
    resampled.push(weighFigures(cases, weights));
  const of = (pick: (figures: Figures) => number | null) => interval(pick(point), resampled.map(pick));
  const checkpoint = (pick: (figures: Figures) => Figures['atT90']) => ({
    red: {
      precision: of((f) => pick(f).red.precision),
      recall: of((f) => pick(f).red.recall),
    },
    redOrYellow: {
      precision: of((f) => pick(f).redOrYellow.precision),
      recall: of((f) => pick(f).redOrYellow.recall),
    },
  });
  return {
    auc90: of((f) => f.auc90),
    auc180: of((f) => f.auc180),
    atT90: checkpoint((f) => f.atT90),
    atT60: checkpoint((f) => f.atT60),
    medianDaysOfWarning: of((f) => f.medianDaysOfWarning),
    shareChurnedNeverRed: of((f) => f.shareChurnedNeverRed),
    churnRateAtT90: {
      green: of((f) => f.churnRateAtT90.green),
      yellow: of((f) => f.churnRateAtT90.yellow),
      red: of((f) => f.churnRateAtT90.red),
    },
  };
}

/**
 * How well the health score foretold churn over a history, beside two plain baselines, overall and per segment,
 * each figure with a 95% interval from a bootstrap by account (the same seed gives the same intervals).
 */
export function evaluateHistory(history: EvaluationHistory, options: EvaluateOptions): Evaluation {
  const step = options.step ?? SAMPLE_STEP;
  const bootstrap = { resamples: options.resamples, seed: options.seed };
  const lastSampledDay = lastDayOfData(history) ?? history.days - 1;
  const accountIds = history.accounts.map((a) => a.accountId);
  const churned = new Set(history.outcomes.filter((o) => o.outcome === 'churned').map((o) => o.accountId));
  const predictors = predictorsOf(history.accounts).map((predictor) => ({
    predictor,
    cases: casesOf(predictor, accountIds, history.outcomes, history.days, step, lastSampledDay),
  }));
  const triggers = history.riskOpenings
    ? triggerCases(accountIds, history.riskOpenings, history.outcomes)
    : null;
  const segments = [...new Set(history.accounts.map((a) => a.segment))].sort();
  const groups = [
    { group: 'all', members: history.accounts.map((_, index) => index) },
    ...segments.map((segment) => ({
      group: segment,
      members: history.accounts.flatMap((a, index) => (a.segment === segment ? [index] : [])),
    })),
  ];
  return {
    start: history.start,
    days: history.days,
    step,
    lastSampledDay,
    bootstrap,
    groups: groups.map(({ group, members }) => {
      const inGroup = new Set(members);
      const memberIds = new Set(members.map((index) => accountIds[index]));
      const groupOutcomes = history.outcomes.filter((o) => memberIds.has(o.accountId));
      return {
        group,
        accounts: members.length,
        churnedAccounts: members.filter((index) => churned.has(accountIds[index] ?? '')).length,
        renewalOutcomes: {
          outcomes: groupOutcomes.length,
          churned: groupOutcomes.filter((o) => o.outcome === 'churned').length,
        },
        predictors: predictors.map(({ predictor, cases }) => {
          const own = group === 'all' ? cases : casesFor(cases, (account) => inGroup.has(account));
          return {
            id: predictor.id,
            label: predictor.label,
            figures: estimate(own, members, accountIds.length, bootstrap),
            counts: countFigures(own),
          };
        }),
        triggers: triggers && triggerPrecision(triggers, members, accountIds.length, bootstrap),
      };
    }),
  };
}
