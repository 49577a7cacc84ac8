import { DAY_MS } from '#core/clock';
import type { HealthSummary } from './portfolio.ts';
import { oldestFirst } from './score-trail.ts';
import type { PriorScore } from './types.ts';
import type { Band } from './vocabulary.ts';

/** How many weeks back the portfolio's trend looks: inside the 90 days a score trail keeps (score-trail.ts). */
export const TREND_WEEKS = 12;

type BandOrUnknown = Band | 'unknown';

/** The band changes of a score trail, oldest first: an entry whose band repeats the one before adds nothing. */
export function bandChanges(trail: readonly PriorScore[]): { at: string; band: BandOrUnknown }[] {
  const out: { at: string; band: BandOrUnknown }[] = [];
  for (const { at, band } of oldestFirst(trail)) if (out.at(-1)?.band !== band) out.push({ at, band });
  return out;
}

export interface TrendPoint {
  /** The instant the counts hold at: the end of each week back from now, now last. */
  at: string;
  bands: Record<BandOrUnknown, number>;
  /** Accounts with a band at `at` (scored by then). */
  accounts: number;
}

export interface SegmentTrend {
  segment: string;
  points: TrendPoint[];
}

/** The band in force at `at`: the latest change at or before it; undefined before the account was first scored. */
function bandAt(health: HealthSummary, at: string): BandOrUnknown | undefined {
  const trail = health.bandTrail ?? [{ at: health.scoredAt, band: health.band }];
  return trail.findLast((change) => change.at <= at)?.band;
}

/**
 * The health distribution of each segment week by week (TREND_WEEKS weeks, then now), from the band changes the
 * registry keeps for each account: at each point, how many of the segment's accounts were green, yellow, red or
 * unknown then. An account counts under its current segment; one not yet scored at a point is left out of it. An
 * entry written before the registry kept band changes counts at its current band from when it was last scored.
 */
export function bandTrend(
  segments: readonly string[],
  accounts: readonly { health?: HealthSummary; churnedAt?: string | null }[],
  now: Date,
  weeks = TREND_WEEKS,
): SegmentTrend[] {
  const instants = Array.from({ length: weeks + 1 }, (_, i) =>
    new Date(now.getTime() - (weeks - i) * 7 * DAY_MS).toISOString(),
  );
  return segments.map((segment) => {
    const members = accounts.flatMap(({ health, churnedAt }) =>
      health?.segment === segment ? [{ health, churnedAt: churnedAt ?? null }] : [],
    );
    return {
      segment,
      points: instants.map((at): TrendPoint => {
        const bands: Record<BandOrUnknown, number> = { green: 0, yellow: 0, red: 0, unknown: 0 };
        let counted = 0;
        for (const { health: member, churnedAt } of members) {
          // From its churn on, an account is no longer a customer whose health the trend follows.
          if (churnedAt !== null && Date.parse(churnedAt) <= Date.parse(at)) continue;
          const band = bandAt(member, at);
          if (band === undefined) continue;
          bands[band] += 1;
          counted += 1;
        }
        return { at, bands, accounts: counted };
      }),
    };
  });
}
