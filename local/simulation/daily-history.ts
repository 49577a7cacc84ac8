import { buildComponentSeries, encodeComponents } from '#core/evaluation/component-series';
import { buildDailySeries, type EncodedSeries, encodeSeries } from '#core/evaluation/daily-series';
import { addDays } from '#core/health/days';
import type { Db } from '#store/client';
import { readHealth, readHealthHistory } from '#store/health-store';
import { readRollups } from '#store/signal-store';
import type { HistoryArchive } from './history-archive.ts';

/**
 * An account's days over a run, for `churnguard evaluate`: the score and band in force at the end of each day
 * (from the stored health history) and each day's product activity (from the daily rollups), and each health
 * component's score day by day (from the current snapshot and the history's diffs). With the run's archive, what
 * the store forgot of them (history-archive.ts) counts as if it were still stored.
 */
export async function readAccountDays(
  db: Db,
  accountId: string,
  start: string,
  days: number,
  archive?: HistoryArchive,
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
  // What the store forgot is older than what it keeps: the whole history, newest first, as the store reads it.
  const history = [...changes, ...(archive?.changes(accountId) ?? [])];
  const series = buildDailySeries(start, days, history, rollups);
  // A day's rollup is either kept (counted above) or forgotten (counted here), never both.
  const forgotten = archive?.activity(accountId);
  if (forgotten)
    for (let day = 0; day < days; day++)
      series.activity[day] = (series.activity[day] ?? 0) + (forgotten[day] ?? 0);
  return {
    ...encodeSeries(series),
    components: encodeComponents(buildComponentSeries(start, days, current, history)),
  };
}
