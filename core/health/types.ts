import type { BaselineMetric } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { HealthIssue } from '#core/issues/issue';
import type { DailyRollup, TicketState } from '#core/rollup';
import type { FeedsSince } from './feeds.ts';
import type { Band, ComponentId, Program, TierId, Touch } from './vocabulary.ts';

/** What scoring reads about one account. */
export interface ScoringInput {
  account: AccountInput;
  /** Daily rollups of the last `health.lookbackDays` days, any order. */
  rollups: readonly DailyRollup[];
  /** Every ticket the account has open, and those opened or closed within the lookback. */
  tickets: readonly TicketState[];
  /** Earlier snapshots, any order: they give the trend and keep last time's red accounts out of the baseline. */
  history?: readonly PriorScore[];
  /** The account's health issues (core/issues): an open one past its plan dates is a driver. */
  issues?: readonly HealthIssue[];
  /**
   * The first UTC day the data covers the account (core/health/data-since.ts). Days before it, and before go-live,
   * are not counted as days of data: an account registered today with an old go-live has no past to read as no
   * use. Absent: the data is taken to cover the account from go-live.
   */
  dataSince?: string;
  /**
   * The first day each feed reached the portfolio (learnt with the baselines: Baselines.feedsSince). A window over
   * a feed counts its days from the later of this and dataSince, so a feed connected late is not read as months
   * of no use. Absent for a feed: counted from dataSince.
   */
  feedsSince?: FeedsSince;
}

export interface PriorScore {
  at: string;
  score: number | null;
  band: Band | 'unknown';
}

export interface SegmentAssignment {
  segment: string;
  label: string;
  program: Program;
  touch: Touch;
  tier: TierId;
  /** `account` when the account's own `segment` field chose it, `tier` when the tier rule did. */
  segmentSource: 'account' | 'tier';
  tierSource: 'account' | 'arr';
  /** Why an account's own field was not used, if it was set but unusable. */
  notes: string[];
}

/**
 * Where the expected value of a measure came from: the healthy cohort, a quantile of the whole segment
 * (health.measures.segmentQuantile), the configured fallback, the journey, a rule, the account's own earlier
 * usage (health.measures.ownHistory) or a custom measure's configured expectation.
 */
export type ExpectedFrom = 'cohort' | 'segment' | 'fallback' | 'journey' | 'rule' | 'own' | 'custom';

/** One thing a component looked at, e.g. logins per day against the segment baseline. */
export interface Measure {
  measure: string;
  actual: number;
  expected: number | null;
  expectedFrom: ExpectedFrom;
  baselineMetric?: BaselineMetric;
  /** 0-100: 100 is at or better than expected. */
  score: number;
  /** Its weight within the component against the others' 1 (a custom measure's `weight`); 1 when absent. */
  weight?: number;
  /** What a CSM reads: "usage down 42% vs the Core baseline over 30 days". */
  finding: string;
}

export type ComponentResult =
  | { status: 'known'; score: number; measures: Measure[] }
  | { status: 'unknown'; reason: string };

interface ComponentWeighting {
  component: ComponentId;
  /** As configured for the segment. */
  weight: number;
  /** Share of the score after unknown components are left out; 0 for an unknown component. */
  normalizedWeight: number;
  /** Points of the score this component gives; contributions add up exactly to the score. */
  contribution: number;
}

export type ComponentSnapshot = ComponentWeighting &
  (
    | { status: 'known'; score: number; measures: Measure[] }
    | { status: 'unknown'; score: null; reason: string }
  );

export interface Driver {
  component: ComponentId;
  measure: string;
  text: string;
  /** Score points this finding costs against a perfect 100 (0 for a cap or an issue: they cost no points). */
  pointsLost: number;
  /**
   * Absent for a finding that costs points. `cap`: a critical finding (config `health.criticalFindings`) that holds
   * the band below where the score alone would put it. `issue`: an open health issue past its plan dates.
   */
  kind?: 'cap' | 'issue';
}

export interface TrendPoint {
  days: 7 | 30 | 90;
  /** Score now minus the score then; null when there is no snapshot from about that long ago. */
  change: number | null;
  comparedWith: string | null;
}

export interface HealthSnapshot {
  accountId: string;
  at: string;
  modelVersion: string;
  segment: SegmentAssignment;
  /** 0-100 to one decimal; null only when every component is unknown. */
  score: number | null;
  band: Band | 'unknown';
  bands: { green: number; yellow: number };
  components: ComponentSnapshot[];
  /** True when unknown components were left out and the others' weights scaled up to fill their share. */
  renormalised: boolean;
  unknown: { component: ComponentId; reason: string }[];
  baseline: {
    segment: string;
    computedAt: string | null;
    cohortSize: number;
    minCohortSize: number;
    /** Baseline measures this snapshot used that came from the configured defaults, not the cohort. */
    fallbacks: BaselineMetric[];
  };
  drivers: Driver[];
  trend: TrendPoint[];
  /** Plain-words remarks: fallbacks, renormalisation, unusable account fields. */
  notes: string[];
}

export interface BaselineValue {
  value: number | null;
  /** `segment`: too few healthy accounts, so a quantile of all the segment's (health.measures.segmentQuantile). */
  source: 'cohort' | 'segment' | 'fallback';
  /** Healthy accounts that had this measure. */
  sampleSize: number;
}

export interface SegmentBaseline {
  segment: string;
  cohortSize: number;
  minCohortSize: number;
  /** A metric added to the model after these baselines were stored is absent until they are learnt again. */
  metrics: Partial<Record<BaselineMetric, BaselineValue>>;
}

export interface Baselines {
  modelVersion: string;
  computedAt: string;
  segments: Record<string, SegmentBaseline>;
  /** The first day each feed reached the portfolio, learnt from the accounts' samples (core/health/feeds.ts). */
  feedsSince?: FeedsSince;
}
