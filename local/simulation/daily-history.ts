import { buildComponentSeries, encodeComponents } from '#core/evaluation/component-series';
import { buildDailySeries, type EncodedSeries, encodeSeries } from '#core/evaluation/daily-series';
import { addDays } from '#core/health/days';
import type { Db } from '#store/client';
import { readHealth, readHealthHistory } from '#store/health-store';
import { readRollups } from '#store/signal-store';

/**
 * An account's days over a run, for `churnguard evaluate`: the score and band in force at the end of each day
 * (from the stored health history) and each day's product activity (from the daily rollups), and each health
 * component's score day by day (from the current snapshot and the history's diffs).
 */
export async function readAccountDays(
  db: Db,
  accountId: string,
  start: string,
  days: number,
): Promise<EncodedSeries> {
  const last = addDays(new Date(`${start}T00:00:00Z`), days - 1)
    .toISOString()
    .slice(0, 10);
  const [changes, rollups, health] = await Promise.all([
    readHealthHistory(db, accountId),
    readRollups(db, accountId, start, last),
    readHealth(db, accountId),
  ]);
  const current = (health?.snapshot.components ?? []).map((c) => ({
    component: c.component,
    score: c.score,
  }));
  return {
    ...encodeSeries(buildDailySeries(start, days, changes, rollups)),
    components: encodeComponents(buildComponentSeries(start, days, current, changes)),
  };
}
