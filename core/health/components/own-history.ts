import type { MeasuresConfig } from '#config/measures-schema';
import type { DailyRollup } from '#core/rollup';
import type { AccountContext } from '../context.ts';
import { dayNumber } from '../days.ts';
import { higherIsBetter, say, versus } from '../deviation.ts';
import type { Measure } from '../types.ts';
import { loginsOf, type ProductFeeds } from './product-feeds.ts';

/** The account's product use lately against its own use before (seed 005: "decreased usage"). */
export interface OwnHistory {
  noun: string;
  recentPerDay: number;
  priorPerDay: number;
  recentDays: number;
  priorDays: number;
}

const QUANTITIES: { feed: keyof ProductFeeds; noun: string; pick: (r: DailyRollup) => number }[] = [
  { feed: 'usage', noun: 'usage', pick: (r) => r.sums.usage ?? 0 },
  { feed: 'logins', noun: 'logins', pick: loginsOf },
  { feed: 'activeUsers', noun: 'active users', pick: (r) => r.activeUserCount },
];

/**
 * Usage of the last `recentDays` days against the `priorDays` before them, from the lookback's rollups (usage
 * when the account reports it, else logins, else active users). Undefined when the data does not cover the
 * earlier period (its first product signal came after that period began) or that period held none: an account
 * is only compared with a past it has.
 */
export function usageHistory(
  context: AccountContext,
  { recentDays, priorDays }: NonNullable<MeasuresConfig['ownHistory']>,
  feeds: ProductFeeds,
): OwnHistory | undefined {
  const quantity = QUANTITIES.find(({ feed }) => feeds[feed]);
  if (!quantity) return undefined;
  const priorStart = context.today - recentDays - priorDays + 1;
  const first = context.rollups.find((rollup) => quantity.pick(rollup) > 0);
  if (!first || dayNumber(first.day) > priorStart) return undefined;
  let recent = 0;
  let prior = 0;
  for (const rollup of context.rollups) {
    const day = dayNumber(rollup.day);
    if (day > context.today || day < priorStart) continue;
    if (day > context.today - recentDays) recent += quantity.pick(rollup);
    else prior += quantity.pick(rollup);
  }
  if (prior <= 0) return undefined;
  return {
    noun: quantity.noun,
    recentPerDay: recent / recentDays,
    priorPerDay: prior / priorDays,
    recentDays,
    priorDays,
  };
}

/** Scored like the segment measures: a 40% fall scores 60, holding or growing scores 100. */
export function ownHistoryMeasure(history: OwnHistory): Measure {
  const { noun, recentPerDay, priorPerDay, recentDays, priorDays } = history;
  const { percent, direction } = versus(recentPerDay, priorPerDay);
  const change = direction === 'level' ? 'level' : `${direction} ${percent}%`;
  return {
    measure: 'ownTrend',
    actual: recentPerDay,
    expected: priorPerDay,
    expectedFrom: 'own',
    score: higherIsBetter(recentPerDay, priorPerDay),
    finding: `${noun} ${change} in the last ${recentDays} days vs the ${priorDays} before (${say(recentPerDay)} a day vs ${say(priorPerDay)})`,
  };
}
