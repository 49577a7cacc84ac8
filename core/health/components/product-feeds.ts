import type { DailyRollup } from '#core/rollup';

/** Which product feeds the lookback holds: a feed never seen is unknown, never zero (health.measures). */
export interface ProductFeeds {
  logins: boolean;
  activeUsers: boolean;
  usage: boolean;
}

/** Logins of a day: one per `login` signal plus the counts of `logins` signals (sources without user ids). */
export const loginsOf = (rollup: DailyRollup) => (rollup.counts.login ?? 0) + (rollup.sums.logins ?? 0);

/** Whether a day's rollup holds data of each product feed. */
export const PRODUCT_FEED_SHOWN: Record<keyof ProductFeeds, (rollup: DailyRollup) => boolean> = {
  logins: (rollup) => loginsOf(rollup) > 0,
  activeUsers: (rollup) => rollup.activeUserCount > 0,
  usage: (rollup) => (rollup.counts.usage ?? 0) > 0,
};

export const PRODUCT_FEEDS = Object.keys(PRODUCT_FEED_SHOWN) as (keyof ProductFeeds)[];

export function feedsOf(rollups: readonly DailyRollup[]): ProductFeeds {
  const feeds: ProductFeeds = { logins: false, activeUsers: false, usage: false };
  for (const rollup of rollups)
    for (const feed of PRODUCT_FEEDS) feeds[feed] ||= PRODUCT_FEED_SHOWN[feed](rollup);
  return feeds;
}
