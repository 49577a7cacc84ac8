import { UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { configSchema } from '#config/schema';
import { ingestSignals } from '#functions/shared/ingest';
import { upsertAccounts } from '#store/account-store';
import type { Db } from '#store/client';
import { expireItems } from '#store/memory/client';
import { readDaySignals, readRollups } from '#store/signal-store';
import { TTL_ATTRIBUTE } from '#store/table';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';

const DAY = '2026-03-01';
const RAW_SIGNAL_DAYS = 7;
/** Arrived 30 days ago, kept 7: expired 23 days ago, whichever clock the store's TTL follows. */
const ARRIVED = new Date(Date.now() - 30 * 86_400_000);
const retention = { rawSignalDays: RAW_SIGNAL_DAYS };

/**
 * What DynamoDB's background TTL process does: DynamoDB Local deletes expired items by the wall clock within
 * seconds; the in-memory adapter deletes them when told the time.
 */
async function expiryRuns(db: Db, accountId: string, day: string) {
  expireItems(db, new Date());
  for (let waited = 0; waited < 20_000; waited += 250) {
    if ((await readDaySignals(db, accountId, day)).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('raw signals did not expire within 20 s');
}

describe('raw signal retention', () => {
  let db: Db;
  const signals = realisticSignals(['acme'], 1, 6, DAY);

  beforeAll(async () => {
    db = await createTestDb();
    await db.doc.send(
      new UpdateTimeToLiveCommand({
        TableName: db.tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    await upsertAccounts(db, [account('acme')], ARRIVED);
  });

  it('stamps each raw signal with its expiry, counted from when it arrived', async () => {
    const fresh = await createTestDb();
    await upsertAccounts(fresh, [account('acme')], ARRIVED);
    await ingestSignals(fresh, signals, ARRIVED, retention);
    const expected = Math.floor(ARRIVED.getTime() / 1000) + RAW_SIGNAL_DAYS * 86_400;
    const raw = await dumpTable(fresh, (item) => item.kind === 'signal');
    expect(raw).toHaveLength(signals.length);
    for (const item of raw) expect(item[TTL_ATTRIBUTE]).toBe(expected);
    expect((await readDaySignals(fresh, 'acme', DAY))[0]).not.toHaveProperty(TTL_ATTRIBUTE);
  });

  it('keeps the rollup when the raw signals expire, and refuses to reopen the day', async () => {
    const first = await ingestSignals(db, signals, ARRIVED, retention);
    expect(first).toMatchObject({ accepted: 6, duplicates: 0, rejected: [] });
    const [rollup] = await readRollups(db, 'acme', DAY, DAY, { consistent: true });
    expect(rollup?.signalCount).toBe(6);

    await expiryRuns(db, 'acme', DAY);
    expect(await readRollups(db, 'acme', DAY, DAY, { consistent: true })).toEqual([rollup]);

    const late = { ...signals[0], id: 'late-arrival' };
    const replay = await ingestSignals(db, [signals[1], late], new Date(), retention);
    expect(replay.accepted).toBe(0);
    expect(replay.rejected.map((r) => [r.index, r.id, r.errors[0]?.path])).toEqual([
      [0, signals[1]?.id, 'occurredAt'],
      [1, 'late-arrival', 'occurredAt'],
    ]);
    expect(replay.rejected[0]?.errors[0]?.message).toContain('raw signals were retired');
    expect(replay.rejected[0]?.errors[0]?.message).toContain(`kept ${RAW_SIGNAL_DAYS} days`);
    expect(await readRollups(db, 'acme', DAY, DAY, { consistent: true })).toEqual([rollup]);
    expect(await readDaySignals(db, 'acme', DAY)).toEqual([]);
  });

  it('still accepts signals for days that are not retired, in the same batch', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const now = [
      {
        id: 'today-login',
        accountId: 'acme',
        type: 'login',
        userId: 'u1',
        occurredAt: new Date().toISOString(),
      },
    ];
    const result = await ingestSignals(
      db,
      [...now, { ...signals[2], id: 'too-late' }],
      new Date(),
      retention,
    );
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => r.id)).toEqual(['too-late']);
    expect((await readDaySignals(db, 'acme', today)).map((s) => s.id)).toEqual(['today-login']);
  });
});

describe('retention config', () => {
  it('defaults to 35 days and refuses less than a week', () => {
    expect(defaultConfig.retention.rawSignalDays).toBe(35);
    const { retention: _retention, ...withoutRetention } = defaultConfig;
    expect(configSchema.parse(withoutRetention).retention).toEqual({ rawSignalDays: 35 });
    const refused = configSchema.safeParse({ ...defaultConfig, retention: { rawSignalDays: 3 } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ['retention', 'rawSignalDays'],
      message: expect.stringContaining('at least 7 days'),
    });
  });
});
