import type { JourneyStanding } from './journey-class.ts';
import type { JourneyClass } from './vocabulary.ts';

export interface RankedStanding extends JourneyStanding {
  /** 1 is the furthest ahead in its segment. */
  rank: number;
  of: number;
}

const CLASS_ORDER: Record<JourneyClass, number> = { champion: 0, cruiser: 1, laggard: 2 };

/**
 * Ranks accounts along the journey baseline within each segment (seed 004, step 3): Champions first,
 * then Cruisers, then Laggards; within a class the faster pace first; ties by account id.
 */
export function stackRank(standings: readonly JourneyStanding[]): RankedStanding[] {
  const bySegment = new Map<string, JourneyStanding[]>();
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
