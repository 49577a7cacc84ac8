import type { JourneyStanding } from './journey-class.ts';
import type { JourneyClass } from './vocabulary.ts';

/** What ranking reads of a standing: a full JourneyStanding, or the registry's summary of one. */
export type Rankable = Pick<JourneyStanding, 'accountId' | 'segment' | 'journeyClass' | 'pace'>;

export type RankedStanding<T extends Rankable = JourneyStanding> = T & {
  /** 1 is the furthest ahead in its segment. */
  rank: number;
  of: number;
};

const CLASS_ORDER: Record<JourneyClass, number> = { champion: 0, cruiser: 1, laggard: 2 };

/**
 * Ranks accounts along the journey baseline within each segment (seed 004, step 3): Champions first,
 * then Cruisers, then Laggards; within a class the faster pace first (an account classed by health: the higher
 * its score against the green line, journey-class.ts); ties by account id.
 */
export function stackRank<T extends Rankable>(standings: readonly T[]): RankedStanding<T>[] {
  const bySegment = new Map<string, T[]>();
  for (const standing of standings)
    bySegment.set(standing.segment, [...(bySegment.get(standing.segment) ?? []), standing]);
  return [...bySegment.keys()].sort().flatMap((segment) => {
    const members = [...(bySegment.get(segment) ?? [])].sort(
      (a, b) =>
        CLASS_ORDER[a.journeyClass] - CLASS_ORDER[b.journeyClass] ||
        b.pace - a.pace ||
        (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
    );
    return members.map((standing, index) => ({ ...standing, rank: index + 1, of: members.length }));
  });
}
