import type { Config } from '#config/schema';
import { bandTrend, type SegmentTrend } from './band-trend.ts';
import { round1 } from './deviation.ts';
import type { JudgedBy, MilestoneStatus } from './journey-class.ts';
import { journeyFunnel, type SegmentFunnel } from './journey-funnel.ts';
import { modelVersion } from './model-version.ts';
import type { Band, JourneyClass } from './vocabulary.ts';

/** Where an account stands on the journey, in brief: what the stack-rank and the funnel read (journey-class.ts). */
export interface JourneySummary {
  judgedBy: JudgedBy;
  pace: number;
  goLiveDate: string;
  milestones: { milestone: string; dueDay: number; reachedDay: number | null; status: MilestoneStatus }[];
}

/** What the portfolio view knows of one account's health (kept in the account registry). */
export interface HealthSummary {
  segment: string;
  score: number | null;
  band: Band | 'unknown';
  journeyClass: JourneyClass;
  modelVersion: string;
  scoredAt: string;
  /** Absent on entries written before the registry kept it (the next score writes it). */
  journey?: JourneySummary;
  /** The band changes of the score trail (score-trail.ts), oldest first: the trend's memory. Absent like journey. */
  bandTrail?: { at: string; band: Band | 'unknown' }[];
}

export interface SegmentSummary {
  segment: string;
  label: string;
  accounts: number;
  bands: Record<Band | 'unknown', number>;
  classes: Record<JourneyClass, number>;
  /** Mean score of the accounts with one; null when none has. */
  averageScore: number | null;
  /** The segment's band thresholds, so the counts can be read against them. */
  thresholds: { green: number; yellow: number } | null;
}

export interface PortfolioSummary {
  asOf: string;
  modelVersion: string;
  /** Customers: registered accounts but the churned. */
  accounts: number;
  /**
   * Registered accounts whose contract in force ended in churn: left out of the counts, bands, scores and funnel,
   * which are of the customers looked after; the trend keeps them for the weeks before they churned.
   */
  churned: number;
  /** Registered accounts with no health yet. */
  notScored: number;
  /** Accounts last scored under another model version (a pass will score them again). */
  scoredUnderOtherModel: number;
  segments: SegmentSummary[];
  /** Each segment's health distribution week by week (band-trend.ts). */
  trend: SegmentTrend[];
  /** Each segment's journey funnel per milestone (journey-funnel.ts). */
  funnel: SegmentFunnel[];
}

/** Every configured segment in config order, then any segment an account was scored under that it no longer defines. */
export function segmentIds(
  config: Pick<Config, 'segments'>,
  scored: readonly { segment: string }[],
): string[] {
  return [
    ...Object.keys(config.segments),
    ...[...new Set(scored.map((health) => health.segment))].filter((id) => !config.segments[id]).sort(),
  ];
}

/**
 * Bands and journey classes per segment (segmentIds: empty ones too) of the customers, their trend week by week and
 * the journey funnel, all from the registry's summaries; `churnedAt` (core/renewals/book.ts churnedAtOf) marks the
 * accounts that are no longer customers.
 */
export function summarisePortfolio(
  config: Config,
  accounts: readonly { accountId: string; health?: HealthSummary; churnedAt: string | null }[],
  now: Date,
): PortfolioSummary {
  const current = modelVersion(config);
  const customers = accounts.filter((entry) => entry.churnedAt === null);
  const scored = customers.flatMap((entry) => (entry.health ? [entry.health] : []));
  const ids = segmentIds(config, scored);
  const segments = ids.map((segment): SegmentSummary => {
    const members = scored.filter((health) => health.segment === segment);
    const bands: SegmentSummary['bands'] = { green: 0, yellow: 0, red: 0, unknown: 0 };
    const classes: SegmentSummary['classes'] = { champion: 0, cruiser: 0, laggard: 0 };
    for (const member of members) {
      bands[member.band] += 1;
      classes[member.journeyClass] += 1;
    }
    const scores = members.flatMap((member) => (member.score === null ? [] : [member.score]));
    const defined = config.segments[segment];
    return {
      segment,
      label: defined?.label ?? segment,
      accounts: members.length,
      bands,
      classes,
      averageScore: scores.length ? round1(scores.reduce((sum, s) => sum + s, 0) / scores.length) : null,
      thresholds: defined ? { ...defined.health.bands } : null,
    };
  });
  return {
    asOf: now.toISOString(),
    modelVersion: current,
    accounts: customers.length,
    churned: accounts.length - customers.length,
    notScored: customers.length - scored.length,
    scoredUnderOtherModel: scored.filter((health) => health.modelVersion !== current).length,
    segments,
    trend: bandTrend(ids, accounts, now),
    funnel: journeyFunnel(config, ids, customers, now),
  };
}
