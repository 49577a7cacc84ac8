import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { createHealthPassHandler, HealthPassIncomplete } from '#functions/health-pass/app';
import { recomputeBaselines } from '#functions/shared/health/recompute-baselines';
import { ingestSignals } from '#functions/shared/ingest';
import { readBaselines, readModelMarker } from '#store/baseline-store';
import { listDirty, markDirty } from '#store/dirty-store';
import { readPassRun, takePassLease } from '#store/health-pass-store';
import { readHealth } from '#store/health-store';
import { keys } from '#store/keys';
import { createTestDb, testDeps } from '../support/db.ts';
import { accountFor, portfolioAccounts, signalsFor } from '../support/health-portfolio.ts';
import { seedStoredHistory } from '../support/seed-store.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const seeds = portfolioAccounts(2);

/** The scheduled passes, run as EventBridge Scheduler invokes them, against a seeded table. */
async function seeded() {
  const db = await createTestDb();
  const deps = testDeps(db, { now: () => NOW });
  await seedStoredHistory(
    db,
    seeds.map((seed) => accountFor(seed, NOW)),
    seeds.flatMap((seed) => signalsFor(seed, NOW)),
    NOW,
  );
  return { db, deps, handler: createHealthPassHandler(deps) };
}

describe('scheduled health passes', () => {
  it('dirty: catches up with the model once, then scores only the accounts marked since', async () => {
    const { db, deps, handler } = await seeded();
    const first = await handler({ pass: 'dirty' });
    expect(first).toMatchObject({ pass: 'dirty', modelPass: { accounts: seeds.length } });
    for (const seed of seeds) expect(await readHealth(db, seed.id)).toBeDefined();
    expect(await listDirty(db)).toEqual([]);

    const [one] = seeds;
    await ingestSignals(
      deps.db,
      [{ id: 'sponsor-gone', accountId: one?.id, type: 'sponsor_left', occurredAt: '2026-06-01T11:00:00Z' }],
      NOW,
    );
    const second = await handler({ pass: 'dirty' });
    expect(second).toMatchObject({ pass: 'dirty', accounts: 1 });
    expect(second).not.toHaveProperty('modelPass');
  });

  it('fails the invocation when an account cannot be scored, after scoring the others; that one stays dirty', async () => {
    // Prepare: one account's stored profile is broken (a hand edit: its name removed).
    const { db, handler } = await seeded();
    await handler({ pass: 'daily' });
    const [broken] = seeds;
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.account(broken?.id ?? ''),
        UpdateExpression: 'REMOVE #name',
        ExpressionAttributeNames: { '#name': 'name' },
      }),
    );
    await markDirty(
      db,
      seeds.map((seed) => seed.id),
      NOW,
    );
    // Act
    const run = handler({ pass: 'dirty' });
    // Assess: the platform sees a failure (error alarm, retry), the others were scored, the broken one waits.
    await expect(run).rejects.toThrow(/^health pass: 1 account\(s\) could not be scored/);
    await expect(run).rejects.toBeInstanceOf(HealthPassIncomplete);
    // Every other account was scored and its mark cleared.
    expect((await listDirty(db)).map((mark) => mark.accountId)).toEqual([broken?.id]);
  });

  it('daily: scores every account', async () => {
    const { handler } = await seeded();
    expect(await handler({ pass: 'daily' })).toMatchObject({ pass: 'daily', accounts: seeds.length });
  });

  it('daily: takes a pass too long for one invocation a few steps at a time, each run continuing the last', async () => {
    // Prepare: an invocation whose time runs out after two steps (a step is a shard's accounts, at most 48).
    const { db, deps } = await seeded();
    let steps = 0;
    const short = createHealthPassHandler(deps, { budget: () => ({ exhausted: () => ++steps % 3 === 0 }) });
    // Act
    const results = [];
    for (let run = 0; run < 40; run++) {
      const result = await short({ pass: run === 0 ? 'daily' : 'dirty' });
      results.push(result);
      if (!('continues' in result)) break;
    }
    // Assess: it took several runs, and ended with every account scored under the learnt baselines.
    const continued = results.filter((r) => 'continues' in r);
    expect(continued.length).toBeGreaterThanOrEqual(3);
    expect(continued.map((r) => ('continues' in r ? r.continues?.phase : ''))).toContain('sample');
    expect(continued.map((r) => ('continues' in r ? r.continues?.phase : ''))).toContain('score');
    expect(results.at(-1)).toMatchObject({ pass: 'dirty', dailyPass: { accounts: seeds.length } });
    for (const seed of seeds) expect(await readHealth(db, seed.id), seed.id).toBeDefined();
    expect(await readPassRun(db)).toBeUndefined();
    expect(await readModelMarker(db)).toBeDefined();
    // The baselines learnt from samples stored across runs are those one uninterrupted pass learns.
    const stored = await readBaselines(db);
    expect(stored).toEqual({
      ...(await recomputeBaselines(deps, deps.config ?? defaultConfig)),
      computedAt: stored?.computedAt,
    });
  });

  it('never runs two passes at once: a run that finds the lease held does nothing', async () => {
    const { db, deps, handler } = await seeded();
    await takePassLease(db, 'another-invocation', NOW, new Date(NOW.getTime() + 60_000));
    expect(await handler({ pass: 'daily' })).toEqual({
      pass: 'daily',
      skipped: 'another health pass is running',
    });
    expect(await readHealth(db, seeds[0]?.id ?? '')).toBeUndefined();
    // Once the lease has expired (its holder crashed), the next run takes it.
    const later = createHealthPassHandler({
      ...deps,
      clock: { now: () => new Date(NOW.getTime() + 120_000) },
    });
    expect(await later({ pass: 'daily' })).toMatchObject({ pass: 'daily', accounts: seeds.length });
  });

  it('refuses an input the schedules never send', async () => {
    const { handler } = await seeded();
    await expect(handler({ pass: 'weekly' })).rejects.toThrow(/pass/);
    await expect(handler({})).rejects.toThrow(/pass/);
  });
});
