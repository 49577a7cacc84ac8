import type { Config } from '#config/schema';
import { keys } from '../keys.ts';
import type { Horizon } from './table.ts';

/**
 * How far back a backtest keeps what only scoring reads, so that a simulated year holds months, not a year, of it
 * (give them to a memory Db with keepWithin, client.ts; the daily expireItems forgets the rest):
 * - daily rollups: the health lookback and one day more (every reader, scoring and the workflows' account view,
 *   reads `lookbackDays` days, today included; the extra day is a margin);
 * - health history entries: none past the day they were written. Scoring reads the current health item (whose
 *   score trail keeps the trend's 90 days); a history entry says why a change happened, for the API's reader.
 * A reader that needs older rollups or history (a whole-run journey class, a history page) must not run with these,
 * or must be told of what they forget (`forgotten`, see Horizon in table.ts).
 */
export function scoringHorizons(
  config: Config,
  forgotten: { rollup?: Horizon['forgotten']; healthChange?: Horizon['forgotten'] } = {},
): Horizon[] {
  return [
    {
      prefix: keys.rollupPrefix,
      days: config.health.lookbackDays + 1,
      ...(forgotten.rollup ? { forgotten: forgotten.rollup } : {}),
    },
    {
      prefix: keys.healthChangePrefix,
      days: 0,
      ...(forgotten.healthChange ? { forgotten: forgotten.healthChange } : {}),
    },
  ];
}
