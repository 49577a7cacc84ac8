import type { DailyRollup } from '#core/rollup';

/** Which product feeds the lookback holds: a feed never seen is unknown, never zero (health.measures). */
export interface ProductFeeds {
  logins: boolean;
  activeUsers: boolean;
  usage: boolean;
}

/** Logins of a day: one per `login` signal plus the counts of `logins` signals (sources without user ids). */
export const loginsOf = (rollup: DailyRollup) => (rollup.counts.login ?? 0) + (rollup.sums.logins ?? 0);

export function feedsOf(rollups: readonly DailyRollup[]): ProductFeeds {
  const feeds: ProductFeeds = { logins: false, activeUsers: false, usage: false };
  for (const rollup of rollups) {
    feeds.logins ||= loginsOf(rollup) > 0;
    feeds.activeUsers ||= rollup.activeUserCount > 0;
    feeds.usage ||= (rollup.counts.usage ?? 0) > 0;
  }
  return feeds;
}
