import { describe, expect, it } from 'vitest';
import { createHealthPassHandler } from '#functions/health-pass/app';
import { ingestSignals } from '#functions/shared/ingest';
import { listDirty } from '#store/dirty-store';
import { readHealth } from '#store/health-store';
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

  it('daily: scores every account', async () => {
    const { handler } = await seeded();
    expect(await handler({ pass: 'daily' })).toMatchObject({ pass: 'daily', accounts: seeds.length });
  });

  it('refuses an input the schedules never send', async () => {
    const { handler } = await seeded();
    await expect(handler({ pass: 'weekly' })).rejects.toThrow(/pass/);
    await expect(handler({})).rejects.toThrow(/pass/);
  });
});
