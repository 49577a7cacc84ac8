import type { JudgedBy } from '#core/health/journey-class';
import { segmentIds } from '#core/health/portfolio';
import { stackRank } from '#core/health/stack-rank';
import type { Band, JourneyClass } from '#core/health/vocabulary';
import { rankableOfBook } from '#core/renewals/book';
import type { PortfolioEntry } from '#store/portfolio-store';
import type { UseCaseDeps } from './account-view.ts';
import { loadBookWithContracts } from './renewals.ts';

type PortfolioHealth = NonNullable<PortfolioEntry['health']>;

export interface StackRankRow {
  rank: number;
  of: number;
  accountId: string;
  name: string;
  journeyClass: JourneyClass;
  judgedBy: JudgedBy;
  pace: number;
  score: number | null;
  band: Band | 'unknown';
}

export interface StackRank {
  asOf: string;
  definitions: Record<string, string>;
  segments: { segment: string; label: string; accounts: StackRankRow[] }[];
}

/** What the answer's figures mean, beside them (DESIGN decision 11). */
export const STACK_RANK_DEFINITIONS = {
  order:
    'Within each segment: Champions, then Cruisers, then Laggards; within a class the higher pace first; ties by account id.',
  milestones:
    "An account the data saw go live is judged against each milestone's own due day: a Laggard is late for or missed any milestone beyond the grace days, a Champion reached every milestone due so far ahead of schedule, a Cruiser is on course. Its pace is the mean share of each due day it was early (+) or late (-).",
  health:
    'An established account, whose data began after its onboarding was due (the last due day of the milestones detected from product signals: first login, configuration), is classed by its health against its segment: red is a Laggard, the upper half of the green band a Champion, anything else a Cruiser. Its pace is how far its score sits above (+) or below (-) the green line.',
};

/** The stack-rank of registry entries (each with its health summary), by segment: the API and a report of a result. */
export function stackRankOf(
  config: UseCaseDeps['config'],
  entries: readonly { accountId: string; name: string; health: PortfolioHealth }[],
  asOf: Date,
  segment?: string,
): StackRank {
  const scored = entries.filter(({ health }) => segment === undefined || health.segment === segment);
  const names = new Map(scored.map((entry) => [entry.accountId, entry.name]));
  const ranked = stackRank(
    scored.map(({ accountId, health }) => ({
      accountId,
      segment: health.segment,
      journeyClass: health.journeyClass,
      judgedBy: health.journey?.judgedBy ?? 'milestones',
      pace: health.journey?.pace ?? 0,
      score: health.score,
      band: health.band,
    })),
  );
  const ids =
    segment === undefined
      ? segmentIds(
          config,
          scored.map((e) => e.health),
        )
      : [segment];
  return {
    asOf: asOf.toISOString(),
    definitions: STACK_RANK_DEFINITIONS,
    segments: ids.map((id) => ({
      segment: id,
      label: config.segments[id]?.label ?? id,
      accounts: ranked
        .filter((row) => row.segment === id)
        .map(({ segment: _segment, ...row }) => ({
          ...row,
          name: names.get(row.accountId) ?? row.accountId,
        })),
    })),
  };
}

/** GET /v1/stack-rank[?segment=]: every scored customer of the registry, or one segment's. */
export async function loadStackRank(deps: UseCaseDeps, segment?: string): Promise<StackRank> {
  return stackRankOf(
    deps.config,
    rankableOfBook(
      await loadBookWithContracts(deps, ({ health }) => segment === undefined || health?.segment === segment),
    ),
    deps.clock.now(),
    segment,
  );
}
