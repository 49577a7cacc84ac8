import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { type Clock, fixedClock } from '#core/clock';
import { addDays } from '#core/health/days';
import { modelVersion } from '#core/health/model-version';
import type { SignalInput } from '#core/signals';
import { recomputeAccount } from '#functions/shared/health/recompute-account';
import { recomputeDaily, recomputeDirty } from '#functions/shared/health/recompute-portfolio';
import { ingestSignals } from '#functions/shared/ingest';
import type { Deps } from '#functions/shared/runtime';
import type { Db } from '#store/client';
import { listDirty, readDirtyMark } from '#store/dirty-store';
import { readHealth, readHealthHistory } from '#store/health-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { accountFor, portfolioAccounts, signalsFor } from '../support/health-portfolio.ts';
import { seedStoredHistory } from '../support/seed-store.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const seeds = portfolioAccounts(2);
const ids = seeds.map((seed) => seed.id);

/** A fresh table with the portfolio seeded and scored once (at `scoredAt`), and a clock the test can move. */
async function scoredPortfolio(config: Config = defaultConfig, scoredAt = NOW) {
  const db = await createTestDb();
  let now = scoredAt;
  const clock: Clock = { now: () => new Date(now) };
  const deps: Deps = testDeps(db, clock);
  const accounts = seeds.map((seed) => accountFor(seed, NOW));
  await seedStoredHistory(
    db,
    accounts,
    seeds.flatMap((seed) => signalsFor(seed, NOW)),
    NOW,
  );
  const first = await recomputeDirty(deps, config);
  expect(first.modelPass?.byStatus['first-score']).toBe(seeds.length);
  return { db, deps, setNow: (at: Date) => (now = at) };
}

async function revisions(db: Db): Promise<Record<string, number | undefined>> {
  const records = await Promise.all(ids.map((id) => readHealth(db, id)));
  return Object.fromEntries(ids.map((id, i) => [id, records[i]?.revision]));
}

const at = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000).toISOString();

describe('incremental recompute', () => {
  let db: Db;
  let deps: Deps;
  let before: Record<string, number | undefined>;
  const later = new Date(NOW.getTime() + 3_600_000);

  beforeAll(async () => {
    ({ db, deps } = await scoredPortfolio());
    before = await revisions(db);
    const news: SignalInput[] = [
      { id: 'sponsor-gone', accountId: 'core-healthy-0', type: 'sponsor_left', occurredAt: at(NOW, -30) },
      {
        id: 'late-login',
        accountId: 'transactional-healthy-1',
        type: 'login',
        occurredAt: at(NOW, -20),
        userId: 'u9',
      },
    ];
    const ingested = await ingestSignals(db, news, later);
    expect(ingested.accepted).toBe(2);
  });

  it('marks only the accounts that received signals as dirty', async () => {
    expect((await listDirty(db)).map((mark) => mark.accountId)).toEqual([
      'core-healthy-0',
      'transactional-healthy-1',
    ]);
  });

  it('scores only the dirty accounts, and clears their marks', async () => {
    const pass = await recomputeDirty(deps, defaultConfig);
    expect(pass.modelPass).toBeUndefined();
    expect(pass.dirty.accounts).toBe(2);
    expect(pass.dirty.byStatus['first-score']).toBe(0);
    const after = await revisions(db);
    expect(after['core-healthy-0']).toBe((before['core-healthy-0'] ?? 0) + 1);
    const untouched = ids.filter((id) => id !== 'core-healthy-0' && id !== 'transactional-healthy-1');
    expect(untouched.map((id) => after[id])).toEqual(untouched.map((id) => before[id]));
    expect(await listDirty(db)).toEqual([]);
  });

  it('records in the history what moved the score: the component, its measure and the signal', async () => {
    const [latest, first] = await readHealthHistory(db, 'core-healthy-0');
    expect(first?.reason).toBe('first-score');
    expect(latest).toMatchObject({ reason: 'dirty', band: 'green', signals: { sponsor_left: 1 } });
    const moved = latest?.diff?.components[0];
    expect(moved?.component).toBe('relationship');
    expect(moved?.contributionChange).toBeLessThan(0);
    expect(moved?.measures).toContainEqual({
      measure: 'sponsor',
      before: 1,
      after: 0,
      finding: 'sponsor left today',
    });
    expect(latest?.summary).toMatch(/^score fell [\d.]+ points: Relationship -[\d.]+/);
    expect(latest?.diff?.scoreChange).toBe(moved?.contributionChange);
  });

  it('keeps an account dirty when a signal lands while it is being scored', async () => {
    const mark = await readDirtyMark(db, 'core-healthy-0');
    expect(mark).toBeUndefined();
    await ingestSignals(
      db,
      [{ id: 'nps-1', accountId: 'core-healthy-0', type: 'nps', occurredAt: at(NOW, -10), value: 2 }],
      later,
    );
    const seen = await readDirtyMark(db, 'core-healthy-0');
    // A second signal arrives after the recompute claimed the marker and read the account, before it clears it.
    const send = db.doc.send.bind(db.doc) as (command: unknown) => Promise<unknown>;
    const doc = Object.create(db.doc) as Db['doc'];
    doc.send = (async (command: unknown) => {
      if (command instanceof DeleteCommand && String(command.input.Key?.pk).startsWith('DIRTY#'))
        await ingestSignals(
          db,
          [{ id: 'nps-2', accountId: 'core-healthy-0', type: 'nps', occurredAt: at(NOW, -5), value: 1 }],
          later,
        );
      return send(command);
    }) as Db['doc']['send'];
    await recomputeAccount({ ...deps, db: { ...db, doc } }, defaultConfig, 'core-healthy-0', { dirty: seen });
    expect((await readDirtyMark(db, 'core-healthy-0'))?.marks).toBe(2);
    await recomputeDirty(deps, defaultConfig);
    expect(await readDirtyMark(db, 'core-healthy-0')).toBeUndefined();
  });

  it('lets only one of two racing recomputes record a change', async () => {
    await ingestSignals(
      db,
      [{ id: 'csat-1', accountId: 'core-moderate', type: 'csat', occurredAt: at(NOW, -1), value: 1 }],
      later,
    );
    const historyBefore = await readHealthHistory(db, 'core-moderate');
    const outcomes = await Promise.all([
      recomputeAccount(deps, defaultConfig, 'core-moderate'),
      recomputeAccount(deps, defaultConfig, 'core-moderate'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['changed', 'unchanged']);
    const history = await readHealthHistory(db, 'core-moderate');
    expect(history).toHaveLength(historyBefore.length + 1);
    expect(history[0]?.diff?.from).toBe(historyBefore[0]?.at);
  });
});

describe('model change', () => {
  let scored: Awaited<ReturnType<typeof scoredPortfolio>>;
  beforeAll(async () => {
    scored = await scoredPortfolio();
  });

  it('scores every account again when the model changes, and only then', async () => {
    const { db, deps } = scored;
    expect((await recomputeDirty(deps, defaultConfig)).modelPass).toBeUndefined();
    const stricter = structuredClone(defaultConfig);
    const core = stricter.segments.core;
    if (!core) throw new Error('the default config has a core segment');
    core.health.bands = { green: 95, yellow: 80 };
    const pass = await recomputeDirty(deps, stricter);
    expect(pass.modelPass?.accounts).toBe(seeds.length);
    const records = await Promise.all(ids.map((id) => readHealth(db, id)));
    expect(new Set(records.map((r) => r?.snapshot.modelVersion))).toEqual(new Set([modelVersion(stricter)]));
    const [latest] = await readHealthHistory(db, 'core-moderate');
    expect(latest).toMatchObject({ reason: 'model-changed', band: 'red', diff: { modelChanged: true } });
    expect(latest?.summary).toContain('the health model changed in between');
    expect((await recomputeDirty(deps, stricter)).modelPass).toBeUndefined();
  });
});

describe('daily recompute', () => {
  const config: Config = { ...defaultConfig, health: { ...defaultConfig.health, lookbackDays: 100 } };
  let scored: Awaited<ReturnType<typeof scoredPortfolio>>;
  beforeAll(async () => {
    // First scored 60 days after go-live, when the first login and configuration were inside the lookback.
    scored = await scoredPortfolio(config, addDays(NOW, -60));
  });

  it('moves scores with time alone, gives a trend, and keeps milestones older than the lookback', async () => {
    const { db, deps, setNow } = scored;
    const firstScore = (await readHealth(db, 'core-healthy-0'))?.snapshot.score;
    setNow(addDays(NOW, 20));
    const pass = await recomputeDaily(deps, config);
    expect(pass.byStatus.changed).toBe(seeds.length);
    const { snapshot, journey, lastChange } = (await readHealth(db, 'core-healthy-0')) ?? {};
    expect(lastChange?.reason).toBe('daily');
    // Twenty days without product use: engagement has fallen; the score held since the first scoring is what
    // the 7-day trend compares with.
    expect(snapshot?.components.find((c) => c.component === 'engagement')?.score).toBeLessThan(50);
    expect(snapshot?.trend[0]).toEqual({
      days: 7,
      change: Math.round(((snapshot?.score ?? 0) - (firstScore ?? 0)) * 10) / 10,
      comparedWith: addDays(NOW, 13).toISOString(),
    });
    // First login and configuration happened 139 and 134 days ago, outside the 100-day lookback: still reached.
    expect(journey?.milestones.slice(0, 2).map((m) => [m.milestone, m.status])).toEqual([
      ['first_login', 'ahead'],
      ['configured', 'ahead'],
    ]);
  });
});

describe('a recompute with no account', () => {
  it('reports the account missing and clears its mark', async () => {
    const db = await createTestDb();
    const deps = testDeps(db, fixedClock(NOW));
    const outcome = await recomputeAccount(deps, defaultConfig, 'ghost', {
      dirty: { accountId: 'ghost', marks: 1, markedAt: NOW.toISOString() },
    });
    expect(outcome).toEqual({ accountId: 'ghost', status: 'missing' });
  });
});
