import type { Config } from '#config/schema';
import { round1 } from './deviation.ts';
import { modelVersion } from './model-version.ts';
import type { Band, JourneyClass } from './vocabulary.ts';

/** What the portfolio view knows of one account's health (kept in the account registry). */
export interface HealthSummary {
  segment: string;
  score: number | null;
  band: Band | 'unknown';
  journeyClass: JourneyClass;
  modelVersion: string;
  scoredAt: string;
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
  accounts: number;
  /** Registered accounts with no health yet. */
  notScored: number;
  /** Accounts last scored under another model version (a pass will score them again). */
  scoredUnderOtherModel: number;
  segments: SegmentSummary[];
}

/**
 * Bands and journey classes per segment: every configured segment in config order (empty ones too), then any
 * segment an account was scored under that the config no longer defines.
 */
export function summarisePortfolio(
  config: Config,
  accounts: readonly { accountId: string; health?: HealthSummary }[],
  now: Date,
): PortfolioSummary {
  const current = modelVersion(config);
  const scored = accounts.flatMap((entry) => (entry.health ? [entry.health] : []));
  const segmentIds = [
    ...Object.keys(config.segments),
    ...[...new Set(scored.map((health) => health.segment))].filter((id) => !config.segments[id]).sort(),
  ];
  const segments = segmentIds.map((segment): SegmentSummary => {
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
    accounts: accounts.length,
    notScored: accounts.length - scored.length,
    scoredUnderOtherModel: scored.filter((health) => health.modelVersion !== current).length,
    segments,
  };
}
