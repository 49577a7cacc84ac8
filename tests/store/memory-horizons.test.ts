import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Clock } from '#core/clock';
import { addDays } from '#core/health/days';
import { recomputeDaily } from '#functions/shared/health/recompute-portfolio';
import { upsertAccounts } from '#store/account-store';
import type { Db } from '#store/client';
import { createMemoryDb, expireItems, keepWithin, MemoryDynamoDb } from '#store/memory/client';
import { scoringHorizons } from '#store/memory/horizons';
import { ensureTable } from '#store/table';
import { createTestDb, dumpTable, testDeps } from '../support/db.ts';
import { generatedHistories, profileOn } from '../support/health-histories.ts';
import { historyOf, storeHistory } from '../support/seed-store.ts';

/**
 * Horizons of the in-memory adapter: what a backtest forgets besides expired items (store/memory/horizons.ts).
 * Forgetting must change nothing a reader of the kept window sees: the health passes store the same items.
 */

const NOW = new Date('2026-06-01T12:00:00Z');

async function memoryDb(tableName: string, memory = new MemoryDynamoDb()): Promise<Db> {
  const db = createMemoryDb(tableName, memory);
  await ensureTable(db.doc, tableName);
  return db;
}

const put = (db: Db, sk: string) =>
  db.doc.send(new PutCommand({ TableName: db.tableName, Item: { pk: 'P', sk } }));
const sortKeys = async (db: Db) => (await dumpTable(db)).map((item) => item.sk);

describe('horizons of the memory adapter', () => {
  it('forget items under a prefix once their day is that many days past, at the sweep, and nothing else', async () => {
    const db = await memoryDb('horizon-sweep');
    expect(keepWithin(db, [{ prefix: 'ROLLUP#', days: 3 }])).toBe(true);
    for (const sk of [
      'ROLLUP#2026-05-28',
      'ROLLUP#2026-05-29',
      'ROLLUP#2026-06-01',
      'ROLLUP#bad',
      'OTHER#2026-01-01',
    ])
      await put(db, sk);

    expect(await sortKeys(db)).toHaveLength(5);
    // A day is forgotten at the first sweep after its last day within the horizon: 28 May + 3 days = 31 May.
    expect(expireItems(db, new Date('2026-05-31T23:59:59Z'))).toBe(1);
    expect(await sortKeys(db)).toEqual([
      'OTHER#2026-01-01',
      'ROLLUP#2026-05-29',
      'ROLLUP#2026-06-01',
      'ROLLUP#bad',
    ]);
    expect(expireItems(db, new Date('2026-06-04T23:59:59Z'))).toBe(2);
    expect(await sortKeys(db)).toEqual(['OTHER#2026-01-01', 'ROLLUP#bad']);
  });

  it('apply to items written before they were set, and to no table but theirs', async () => {
    const memory = new MemoryDynamoDb();
    const kept = await memoryDb('horizon-kept', memory);
    const trimmed = await memoryDb('horizon-trimmed', memory);
    await put(kept, 'ROLLUP#2026-01-01');
    await put(trimmed, 'ROLLUP#2026-01-01');
    keepWithin(trimmed, [{ prefix: 'ROLLUP#', days: 10 }]);

    expect(memory.expireItems(NOW)).toBe(1);
    expect(await sortKeys(trimmed)).toEqual([]);
    expect(await sortKeys(kept)).toEqual(['ROLLUP#2026-01-01']);
  });

  it('are not a DynamoDB feature: on DynamoDB Local keepWithin does nothing and says so', async () => {
    const db = await createTestDb();
    expect(keepWithin(db, [{ prefix: 'ROLLUP#', days: 0 }])).toBe(false);
  });

  it('for scoring, keep what the health passes read: two months of passes store the same health with and without them', async () => {
    const start = new Date('2026-01-05T00:00:00Z');
    const days = 260;
    const histories = generatedHistories(6, days, 5, start);
    const run = async (horizons: boolean) => {
      const db = await memoryDb(`horizon-passes-${horizons}`);
      if (horizons) keepWithin(db, scoringHorizons(defaultConfig));
      let now = start;
      const clock: Clock = { now: () => new Date(now) };
      await upsertAccounts(
        db,
        histories.accounts.map((generated) => profileOn(generated, 0)),
        start,
      );
      await storeHistory(db, historyOf(histories.signals, start));
      for (let day = 200; day < days; day += 3) {
        now = addDays(start, day);
        await recomputeDaily(testDeps(db, clock), defaultConfig);
        expireItems(db, addDays(now, 1));
      }
      const items = await dumpTable(db);
      return {
        health: items.filter((item) => item.kind === 'health' || item.kind === 'portfolio'),
        rollups: items.filter((item) => item.kind === 'rollup').length,
        history: items.filter((item) => item.kind === 'healthChange').length,
      };
    };
    const everything = await run(false);
    const withinHorizons = await run(true);
    expect(withinHorizons.health).toEqual(everything.health);
    expect(withinHorizons.rollups).toBeLessThan(everything.rollups * 0.8);
    expect(withinHorizons.history).toBeLessThan(everything.history);
  });
});
