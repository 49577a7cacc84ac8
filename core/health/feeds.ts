import type { DailyRollup, TicketState } from '#core/rollup';
import { PRODUCT_FEED_SHOWN } from './components/product-feeds.ts';

/**
 * The feeds a window reads as a rate or a count over days. A feed connected after the accounts were registered
 * (product analytics wired up two months into a rollout, a calendar connected late) has no data for the days
 * before: those days must not be read as no logins, no features or no meetings.
 */
export const FEEDS = ['logins', 'activeUsers', 'usage', 'features', 'tickets', 'meetings'] as const;
export type Feed = (typeof FEEDS)[number];

/** The first UTC day each feed shows data, by feed; a feed never seen is absent. */
export type FeedsSince = Partial<Record<Feed, string>>;

const shows: Record<Exclude<Feed, 'tickets'>, (rollup: DailyRollup) => boolean> = {
  ...PRODUCT_FEED_SHOWN,
  features: (rollup) => rollup.features.length > 0,
  meetings: (rollup) => (rollup.counts.meeting_held ?? 0) + (rollup.counts.meeting_missed ?? 0) > 0,
};

const ROLLUP_FEEDS = Object.keys(shows) as Exclude<Feed, 'tickets'>[];

/**
 * The first day each feed shows in one account's rollups (any order) and tickets, or the day already `known` (the
 * portfolio's) where that is earlier. A rollup feed known from before the account's first rollup is not looked for:
 * its data cannot move the day earlier, so once the portfolio's feeds are learnt this reads no rollup.
 */
export function feedsSeen(
  rollups: readonly DailyRollup[],
  tickets: readonly Pick<TicketState, 'openedAt'>[],
  known: FeedsSince = {},
): FeedsSince {
  const seen: FeedsSince = { ...known };
  let firstDay: string | undefined;
  for (const { day } of rollups) if (firstDay === undefined || day < firstDay) firstDay = day;
  const open = ROLLUP_FEEDS.filter((feed) => {
    const day = known[feed];
    return firstDay !== undefined && (day === undefined || firstDay < day);
  });
  if (open.length > 0)
    for (const rollup of rollups)
      for (const feed of open) {
        const first = seen[feed];
        if ((first === undefined || rollup.day < first) && shows[feed](rollup)) seen[feed] = rollup.day;
      }
  for (const { openedAt } of tickets) {
    const day = openedAt?.slice(0, 10);
    if (day !== undefined && (seen.tickets === undefined || day < seen.tickets)) seen.tickets = day;
  }
  return seen;
}

/**
 * Feed by feed, the earliest of the days: what the portfolio learns from its accounts. An iterable, not spread
 * arguments: a portfolio of 100,000 accounts would overflow the stack as arguments.
 */
export function earliestFeeds(all: Iterable<FeedsSince | undefined>): FeedsSince {
  const earliest: FeedsSince = {};
  for (const feeds of all)
    for (const feed of FEEDS) {
      const day = feeds?.[feed];
      const known = earliest[feed];
      if (day !== undefined && (known === undefined || day < known)) earliest[feed] = day;
    }
  return earliest;
}

export function sameFeeds(a: FeedsSince | undefined, b: FeedsSince | undefined): boolean {
  return FEEDS.every((feed) => a?.[feed] === b?.[feed]);
}
