import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { DAY_MS, fixedClock, utcDay } from '#core/clock';
import type { HealthRecord } from '#core/health/record';
import type { Measure } from '#core/health/types';
import type { SignalInput } from '#core/signals';
import { recomputeDaily } from '#functions/shared/health/recompute-portfolio';
import { readBaselines } from '#store/baseline-store';
import type { Db } from '#store/client';
import { readHealth } from '#store/health-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { seedStoredHistory } from '../support/seed-store.ts';

/**
 * issue 19, through the daily pass and the store: a vendor registers its accounts, and connects product analytics
 * forty days later. The pass learns when the product feed reached the portfolio, stores it with the baselines, and
 * judges each account's use over the days since, not over a window mostly before the feed existed.
 */

const REGISTERED = Date.parse('2026-04-01T06:00:00Z');
const FEED_CONNECTED = 40;
const PASS_DAY = 50;
const at = (day: number, hour: number) => new Date(REGISTERED + day * DAY_MS + (hour - 6) * 3_600_000);
const ids = ['north', 'south', 'east'];

function history(id: string): SignalInput[] {
  const signals: SignalInput[] = [
    { id: `${id}-nps`, accountId: id, type: 'nps', occurredAt: at(2, 10).toISOString(), value: 8 },
  ];
  for (let day = FEED_CONNECTED; day < PASS_DAY; day++)
    for (let i = 0; i < 8; i++)
      signals.push({
        id: `${id}-login-${day}-${i}`,
        accountId: id,
        type: 'login',
        occurredAt: at(day, 8 + i).toISOString(),
        userId: `${id}-user-${i % 4}`,
      });
  return signals;
}

let db: Db;

beforeAll(async () => {
  db = await createTestDb();
  await seedStoredHistory(
    db,
    ids.map((id) => account(id, { goLiveDate: '2025-06-01' })),
    ids.flatMap(history),
    at(PASS_DAY, 4),
  );
  // The history is seeded in one go: the accounts' data begins with their survey answers of day 2.
  await recomputeDaily(testDeps(db, fixedClock(at(PASS_DAY, 5))), defaultConfig);
}, 120_000);

async function logins(id: string): Promise<Measure | undefined> {
  const record: HealthRecord | undefined = await readHealth(db, id);
  const engagement = record?.snapshot.components.find((c) => c.component === 'engagement');
  return engagement?.status === 'known' ? engagement.measures.find((m) => m.measure === 'logins') : undefined;
}

describe('product analytics connected forty days after the accounts were registered', () => {
  it('stores the day the product feed reached the portfolio with the baselines', async () => {
    const baselines = await readBaselines(db);
    expect(baselines?.feedsSince?.logins).toBe(utcDay(at(FEED_CONNECTED, 8)));
    expect(baselines?.feedsSince?.activeUsers).toBe(utcDay(at(FEED_CONNECTED, 8)));
  });

  it('reads each account’s logins over the days since then, today included', async () => {
    for (const id of ids) {
      const found = await logins(id);
      // Ten days of eight logins, over the eleven days the feed has covered (today's have not arrived at 05:00).
      expect(found?.finding, id).toContain('over 11 days');
      expect(found?.actual, id).toBeCloseTo(80 / 11, 2);
    }
  });
});
