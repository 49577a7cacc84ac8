import type { BandThresholds, Config } from '#config/schema';
import { auc } from '#core/evaluation/auc';
import type { EvaluationHistory } from '#core/evaluation/history';
import { seededRandom } from '#core/simulation/random';
import { type Example, examplesOf } from './examples.ts';
import { fitMeasures, rescored } from './measure-fit.ts';
import { componentsUnder, type MeasureParams, measureParamsOf } from './measure-params.ts';
import { type RedCase, type RedFigures, redAtCheckpoint, redFigures } from './red-at-checkpoint.ts';
import { fitBands, fitWeights, scoreWith, type Weights } from './weights.ts';

/**
 * Too little history, and a fit learns noise. Calibrate fits six weights and scores them on five folds of held-out
 * accounts: with fewer than 20 churned accounts a fold holds three or fewer churns, too few for its held-out AUC
 * to mean anything, and the fit has fewer than about three churns per weight even with the penalty. Accounts that
 * did not churn are needed as much.
 */
export const MIN_CHURNED_ACCOUNTS = 20;
export const MIN_OTHER_ACCOUNTS = 20;
export const FOLDS = 5;

export interface CalibrateOptions {
  seed: number;
  /** The L2 penalty on standardised coefficients (default 1). */
  lambda?: number;
}

export interface FoldResult {
  /** Held-out account-days and, of them, days followed by churn within 90 days. */
  cases: number;
  positives: number;
  /** AUC on the held-out accounts of the score as it was, and of the score with the weights fitted without them. */
  before: number | null;
  after: number | null;
}

export interface SegmentCalibration {
  segment: string;
  accounts: number;
  churnedAccounts: number;
  /** Fitted on the segment's own accounts, or on all segments' when it has too few churns of its own. */
  fittedOn: 'segment' | 'all segments';
  before: { weights: Weights; bands: BandThresholds };
  /** Null when nothing could be fitted: the segment keeps its config. */
  after: { weights: Weights; bands: BandThresholds } | null;
  note: string;
}

/**
 * The measure parameters (health.measures: the scale, the custom measures) as they are and as fitted on all the
 * history; `after` equals `before` where the outcomes gave no reason to move them. Not fitted when the config has
 * no health.measures or the history kept no readings of the measures (`note` says which).
 */
export type MeasureCalibration =
  | { status: 'fitted'; before: MeasureParams; after: MeasureParams }
  | { status: 'not-fitted'; note: string };

function measureCalibration(
  live: MeasureParams | undefined,
  fitted: MeasureParams | undefined,
): MeasureCalibration {
  if (!live)
    return {
      status: 'not-fitted',
      note: 'the config has no health.measures section: no measure parameters to fit',
    };
  if (!fitted)
    return {
      status: 'not-fitted',
      note:
        'the history keeps no readings of the measures (a result of an older version): run simulate again to fit ' +
        'the scale and the custom measures',
    };
  return { status: 'fitted', before: live, after: fitted };
}

export type CalibrationReport =
  | {
      status: 'too-little-history';
      churnedAccounts: number;
      otherAccounts: number;
      message: string;
    }
  | {
      status: 'fitted';
      churnedAccounts: number;
      otherAccounts: number;
      folds: FoldResult[];
      /** Mean held-out AUC over the folds. */
      heldOut: { before: number | null; after: number | null };
      /**
       * Red at T-90 on the held-out accounts' renewal outcomes, pooled over the folds: as the live config banded
       * them, and as each fold's proposal (weights and bands fitted on the other folds) would have.
       */
      redAtT90: { before: RedFigures; after: RedFigures };
      measures: MeasureCalibration;
      segments: SegmentCalibration[];
    };

const mean = (values: readonly (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
};

/** Accounts dealt into folds at random (seeded), churned ones first, so every fold holds its share of churns. */
function foldOf(accounts: number, churned: ReadonlySet<number>, seed: number): number[] {
  const random = seededRandom(seed);
  const shuffle = (list: number[]) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j] as number, list[i] as number];
    }
    return list;
  };
  const all = Array.from({ length: accounts }, (_, i) => i);
  const order = [
    ...shuffle(all.filter((i) => churned.has(i))),
    ...shuffle(all.filter((i) => !churned.has(i))),
  ];
  const folds = new Array<number>(accounts).fill(0);
  order.forEach((account, position) => {
    folds[account] = position % FOLDS;
  });
  return folds;
}

interface SegmentFit {
  weights: Weights | null;
  own: boolean;
}

/** Per segment: its own examples when it has enough churned accounts among them, else everyone's. */
function fitPerSegment(
  examples: readonly Example[],
  segments: readonly string[],
  churnedIn: (segment: string) => number,
  lambda: number,
): Map<string, SegmentFit> {
  const pooled = fitWeights(examples, lambda);
  return new Map(
    segments.map((segment): [string, SegmentFit] => {
      if (churnedIn(segment) < MIN_CHURNED_ACCOUNTS) return [segment, { weights: pooled, own: false }];
      const own = examples.filter((e) => e.segment === segment);
      return [segment, { weights: fitWeights(own, lambda), own: true }];
    }),
  );
}

/**
 * A segment's proposal from its fit: the weights, and band lines fitted on the scores those weights give the
 * examples they were fitted on (the segment's own, or everyone's when it was fitted on all segments).
 */
function proposalOf(
  examples: readonly Example[],
  fits: ReadonlyMap<string, SegmentFit>,
  segment: string,
): { weights: Weights; bands: BandThresholds } | null {
  const fit = fits.get(segment);
  if (!fit?.weights) return null;
  const weights = fit.weights;
  const scored = examples
    .filter((e) => e.segment === segment || !fit.own)
    .flatMap((e) => {
      const score = scoreWith(weights, e.components);
      return score === null ? [] : [{ score, churned: e.churned }];
    });
  const bands = fitBands(scored);
  return bands ? { weights, bands } : null;
}

/**
 * Fits the measure parameters (measure-fit.ts), then per-segment health weights and band lines, on a history's
 * outcomes, and says how they would have done on accounts they were not fitted on: five folds by account (an
 * account's days are all in one fold), each fitted on the other four, features from days before the churn they are
 * labelled with. The proposal is then fitted on all.
 */
export function calibrate(
  history: EvaluationHistory,
  config: Config,
  options: CalibrateOptions,
): CalibrationReport {
  const lambda = options.lambda ?? 1;
  const churnedIds = new Set(history.outcomes.filter((o) => o.outcome === 'churned').map((o) => o.accountId));
  const churned = new Set(
    history.accounts.flatMap((a, index) => (churnedIds.has(a.accountId) ? [index] : [])),
  );
  const withComponents = history.accounts.filter((a) => a.components).length;
  const churnedAccounts = churned.size;
  const otherAccounts = history.accounts.length - churnedAccounts;
  if (withComponents === 0 || churnedAccounts < MIN_CHURNED_ACCOUNTS || otherAccounts < MIN_OTHER_ACCOUNTS) {
    return {
      status: 'too-little-history',
      churnedAccounts,
      otherAccounts,
      message:
        withComponents === 0
          ? 'the history keeps no component scores day by day: run simulate again with this version'
          : `calibrate needs at least ${MIN_CHURNED_ACCOUNTS} churned accounts and ${MIN_OTHER_ACCOUNTS} that did ` +
            `not churn; this history has ${churnedAccounts} and ${otherAccounts}. It fits ${6} weights and checks ` +
            `them on ${FOLDS} folds of held-out accounts: with fewer churns a fold holds too few for its AUC to ` +
            `mean anything, and the weights would follow noise. Keep the config as it is and gather more outcomes.`,
    };
  }
  const recorded = examplesOf(history);
  const live = measureParamsOf(config);
  const withReadings = live !== undefined && recorded.some((e) => e.readings);
  // Each fold fits the measure parameters on its training days first, then the weights and bands on the days
  // scored under them: the held-out days are scored under parameters fitted without them.
  const measuresFor = (days: readonly Example[]) =>
    withReadings && live ? fitMeasures(days, live, lambda) : live;
  const scoredUnder = (days: readonly Example[], params: MeasureParams | undefined) =>
    params ? rescored(days, params) : days;
  const finalMeasures = measuresFor(recorded);
  const examples = scoredUnder(recorded, finalMeasures);
  const segments = [...new Set(history.accounts.map((a) => a.segment))].sort();
  const segmentOf = history.accounts.map((a) => a.segment);
  const folds = foldOf(history.accounts.length, churned, options.seed);

  const redCases: RedCase[] = [];
  const foldResults: FoldResult[] = Array.from({ length: FOLDS }, (_, fold) => {
    const trainingDays = recorded.filter((e) => folds[e.account] !== fold);
    const params = measuresFor(trainingDays);
    const training = scoredUnder(trainingDays, params);
    const heldOut = scoredUnder(
      recorded.filter((e) => folds[e.account] === fold),
      params,
    );
    const trainingChurned = (segment: string) =>
      [...churned].filter((a) => folds[a] !== fold && segmentOf[a] === segment).length;
    const fits = fitPerSegment(training, segments, trainingChurned, lambda);
    const heldOutAccounts = new Set(
      history.accounts.flatMap((_, account) => (folds[account] === fold ? [account] : [])),
    );
    redCases.push(
      ...redAtCheckpoint(
        history,
        heldOutAccounts,
        (segment) => proposalOf(training, fits, segment),
        (account, day, recordedComponents) =>
          params
            ? componentsUnder(params, account.readings?.get(day), recordedComponents)
            : recordedComponents,
      ),
    );
    const after = heldOut.flatMap((e) => {
      const weights = fits.get(e.segment)?.weights;
      const score = weights ? scoreWith(weights, e.components) : e.score;
      return score === null ? [] : [{ risk: 100 - score, positive: e.churned, account: e.account }];
    });
    return {
      cases: heldOut.length,
      positives: heldOut.filter((e) => e.churned).length,
      before: auc(heldOut.map((e) => ({ risk: 100 - e.score, positive: e.churned, account: e.account }))),
      after: auc(after),
    };
  });

  const churnedInSegment = (segment: string) => [...churned].filter((a) => segmentOf[a] === segment).length;
  const final = fitPerSegment(examples, segments, churnedInSegment, lambda);
  return {
    status: 'fitted',
    churnedAccounts,
    otherAccounts,
    folds: foldResults,
    heldOut: { before: mean(foldResults.map((f) => f.before)), after: mean(foldResults.map((f) => f.after)) },
    redAtT90: {
      before: redFigures(redCases, (c) => c.redBefore),
      after: redFigures(redCases, (c) => c.redAfter),
    },
    measures: measureCalibration(live, withReadings ? finalMeasures : undefined),
    segments: segments.map((segment): SegmentCalibration => {
      const health = config.segments[segment]?.health;
      const before = { weights: health?.weights ?? {}, bands: health?.bands ?? { green: 70, yellow: 50 } };
      const fit = final.get(segment);
      const own = fit?.own ?? false;
      const base = {
        segment,
        accounts: segmentOf.filter((s) => s === segment).length,
        churnedAccounts: churnedInSegment(segment),
        fittedOn: own ? ('segment' as const) : ('all segments' as const),
        before,
      };
      const weights = fit?.weights;
      if (!health || !weights)
        return {
          ...base,
          after: null,
          note: health
            ? 'no component foretold churn: the weights are left as they are'
            : 'not a segment of this config: left alone',
        };
      const bands = proposalOf(examples, final, segment)?.bands ?? before.bands;
      return {
        ...base,
        after: { weights, bands },
        note: own
          ? `fitted on its own ${base.churnedAccounts} churned accounts`
          : `${base.churnedAccounts} churned accounts of its own (fewer than ${MIN_CHURNED_ACCOUNTS}): ` +
            'weights and bands fitted on all segments',
      };
    }),
  };
}
