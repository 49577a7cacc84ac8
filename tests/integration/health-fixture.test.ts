import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Clock } from '#core/clock';
import { canonical } from '#core/health/model-version';
import { healthOnRead } from '#functions/shared/health/read';
import { recomputeDaily, recomputeDirty } from '#functions/shared/health/recompute-portfolio';
import { ingestSignals } from '#functions/shared/ingest';
import { upsertAccounts } from '#store/account-store';
import { readHealthHistory } from '#store/health-store';
import { createTestDb, dumpTable, testDeps } from '../support/db.ts';
import { generatedHistories, profileOn } from '../support/health-histories.ts';
import { configAsRecorded } from '../support/recorded-config.ts';
import { historyOf, storeHistory } from '../support/seed-store.ts';

/**
 * The health items a portfolio's passes store, pinned to a recorded fixture written by the code before scoring and
 * the store were optimised (bench/RESULTS.md): ninety days of history stored, then thirty days of signals through
 * the ingest path with profile changes, the incremental pass every day and the daily pass every week, then health
 * read on demand. Every health, portfolio, baseline, model and dirty item must be stored exactly as recorded, and
 * every history entry too (recorded by digest: there are hundreds); on DynamoDB Local and on the in-memory adapter.
 */

const START = new Date('2026-02-02T00:00:00Z');
const STORED_DAYS = 90;
const LIVE_DAYS = 30;
const DAY_MS = 86_400_000;
const config = configAsRecorded;
const HEALTH_KINDS = new Set(['health', 'portfolio', 'baselines', 'healthModel', 'dirty']);

async function runPortfolio() {
  const histories = generatedHistories(10, STORED_DAYS + LIVE_DAYS, 11, START);
  const db = await createTestDb();
  let now = START;
  const clock: Clock = { now: () => new Date(now) };
  const deps = testDeps(db, clock);
  const dayIndex = (occurredAt: string) => Math.floor((Date.parse(occurredAt) - START.getTime()) / DAY_MS);

  await upsertAccounts(
    db,
    histories.accounts.map((generated) => profileOn(generated, 0)),
    START,
  );
  await storeHistory(
    db,
    historyOf(
      histories.signals.filter((s) => dayIndex(s.occurredAt) < STORED_DAYS),
      START,
    ),
  );
  for (let day = STORED_DAYS + 1; day <= STORED_DAYS + LIVE_DAYS; day++) {
    now = new Date(START.getTime() + day * DAY_MS + 5 * 3_600_000);
    const changed = histories.accounts.filter(
      (generated) =>
        profileOn(generated, day) !== profileOn(generated, day === STORED_DAYS + 1 ? 0 : day - 1),
    );
    if (changed.length > 0)
      await upsertAccounts(
        db,
        changed.map((generated) => profileOn(generated, day)),
        now,
      );
    const daySignals = histories.signals.filter((s) => dayIndex(s.occurredAt) === day - 1);
    const ingested = await ingestSignals(db, daySignals, now);
    expect(ingested.rejected).toEqual([]);
    if (day % 7 === 0) await recomputeDaily(deps, config);
    else await recomputeDirty(deps, config);
  }
  now = new Date(now.getTime() + 3_600_000);
  const late = histories.accounts.slice(0, 3).map(({ account }) => account.id);
  await ingestSignals(
    db,
    late.map((accountId, i) => ({
      id: `late-${i}`,
      accountId,
      type: 'nps',
      occurredAt: now.toISOString(),
      value: i * 4,
    })),
    now,
  );
  const read = await Promise.all(late.map((accountId) => healthOnRead(deps, config, accountId)));
  const history = await readHealthHistory(db, late[0] as string, 5);

  const items = await dumpTable(db);
  const entries = items.filter((item) => item.kind === 'healthChange');
  return {
    stored: items
      .filter((item) => HEALTH_KINDS.has(String(item.kind)))
      .map((item) => JSON.parse(canonical(item))),
    historyEntries: entries.length,
    historyDigests: Object.fromEntries(
      entries.map((item) => [
        `${item.pk} ${item.sk}`,
        createHash('sha256').update(canonical(item)).digest('hex'),
      ]),
    ),
    // The health each reader is told; `input` (what a recompute on read scored from) is handed on, not shown.
    read: JSON.parse(canonical(read.map((found) => ('input' in found ? { health: found.health } : found)))),
    latestHistory: JSON.parse(canonical(history)),
  };
}

describe('stored health against the recorded fixture', () => {
  it('stores the same health, history, portfolio and baseline items, and reads the same health', async () => {
    const result = await runPortfolio();
    expect(result.historyEntries).toBeGreaterThan(100);
    await expect(`${JSON.stringify(result, null, 2)}\n`).toMatchFileSnapshot(
      '../fixtures/health/stored-passes.json',
    );
  }, 240_000);
});
