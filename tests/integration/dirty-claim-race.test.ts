import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { fixedClock } from '#core/clock';
import { recomputeAccount } from '#functions/shared/health/recompute-account';
import { recomputeDirty } from '#functions/shared/health/recompute-portfolio';
import { ingestSignals } from '#functions/shared/ingest';
import type { Deps } from '#functions/shared/runtime';
import { upsertAccounts } from '#store/account-store';
import type { Db } from '#store/client';
import { claimDirtyMany, clearDirty, listDirty, markDirty, readDirtyMark } from '#store/dirty-store';
import { storeSignalDays } from '#store/signal-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

/**
 * Ingest skips its dirty mark when the marker is present and unclaimed; a recompute claims the marker before it
 * reads the account (store/dirty-store.ts). Whatever the interleaving of one ingest and one recompute, the new
 * signal is never lost to scoring: once the passes have cleared every marker, the stored health is what the
 * account's data scores (a fresh recompute finds nothing to change).
 */

const NOW = new Date('2026-06-01T12:00:00Z');
const ID = 'race-1';
const signal = (id: string, value: number, minutesAgo: number) => ({
  id,
  accountId: ID,
  type: 'nps' as const,
  occurredAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  value,
});

/** An account scored once, then made dirty by a first signal: the marker is present and unclaimed. */
async function dirtyAccount(): Promise<Deps> {
  const db = await createTestDb();
  const deps = testDeps(db, fixedClock(NOW.toISOString()));
  await upsertAccounts(db, [account(ID)], NOW);
  await recomputeDirty(deps, defaultConfig);
  await ingestSignals(db, [signal('nps-1', 9, 60)], NOW);
  expect((await readDirtyMark(db, ID))?.claim).toBeUndefined();
  return deps;
}

/**
 * `db` whose n-th command (counting from 1) waits for `inner` to run to its end first; commands through either
 * client count (reads go through the read client where the Db has one: store/client.ts).
 */
function interleaved(db: Db, n: number, inner: () => Promise<unknown>): { db: Db; sent: () => number } {
  let count = 0;
  const counting = <C extends { send: unknown }>(client: C): C => {
    const send = (client.send as (command: unknown) => Promise<unknown>).bind(client);
    const wrapped = Object.create(client) as C;
    wrapped.send = (async (command: unknown) => {
      if (++count === n) await inner();
      return send(command);
    }) as C['send'];
    return wrapped;
  };
  const readClient = db.readClient && counting(db.readClient);
  return { db: { ...db, doc: counting(db.doc), ...(readClient ? { readClient } : {}) }, sent: () => count };
}

const ingestSecond = (db: Db) => ingestSignals(db, [signal('nps-2', 1, 30)], NOW);
const recomputeMarked = async (deps: Deps) =>
  recomputeAccount(deps, defaultConfig, ID, { dirty: await readDirtyMark(deps.db, ID) });

/** After the passes clear every marker, is the stored health what the data scores? */
async function scoredFromEverything(deps: Deps): Promise<boolean> {
  await recomputeDirty(deps, defaultConfig);
  expect(await listDirty(deps.db)).toEqual([]);
  const fresh = await recomputeAccount(deps, defaultConfig, ID, { reason: 'daily' });
  return fresh.status === 'unchanged';
}

/** How many commands `run` sends on its own. */
async function commandsOf(run: (deps: Deps) => Promise<unknown>): Promise<number> {
  const deps = await dirtyAccount();
  const counted = interleaved(deps.db, 0, async () => {});
  await run({ ...deps, db: counted.db });
  return counted.sent();
}

/** Runs `recompute` once for each of its requests, the second signal's ingest run whole just before that request. */
async function ingestBeforeEachRequestOf(recompute: (deps: Deps) => Promise<unknown>): Promise<void> {
  const steps = await commandsOf(recompute);
  expect(steps).toBeGreaterThan(3);
  for (let n = 1; n <= steps; n++) {
    const deps = await dirtyAccount();
    const racing = interleaved(deps.db, n, () => ingestSecond(deps.db));
    await recompute({ ...deps, db: racing.db });
    expect({ n, scored: await scoredFromEverything(deps) }).toEqual({ n, scored: true });
  }
}

describe('dirty markers claimed by the recompute, skipped by ingest when pending', () => {
  it('can tell when a stored signal was lost to scoring', async () => {
    const deps = await dirtyAccount();
    await recomputeDirty(deps, defaultConfig);
    // Stored and rolled up without the marker ingest writes: nothing will score it.
    const unmarked = { ...signal('nps-2', 1, 30), receivedAt: NOW.toISOString() };
    await storeSignalDays(deps.db, [{ accountId: ID, day: '2026-06-01', signals: [unmarked] }], {
      expiresAt: NOW.getTime() / 1000 + 86_400,
      now: NOW,
    });
    expect(await scoredFromEverything(deps)).toBe(false);
  });

  it('skips the mark of an account already marked and not yet claimed', async () => {
    const deps = await dirtyAccount();
    const before = await readDirtyMark(deps.db, ID);
    await ingestSecond(deps.db);
    expect(await readDirtyMark(deps.db, ID)).toEqual(before);
    expect(await scoredFromEverything(deps)).toBe(true);
  });

  it('never loses the signal when the ingest runs whole before any one request of the recompute', async () => {
    await ingestBeforeEachRequestOf(recomputeMarked);
  });

  it('never loses the signal when the recompute runs whole before any one request of the ingest', async () => {
    const steps = await commandsOf((deps) => ingestSecond(deps.db));
    expect(steps).toBeGreaterThan(3);
    for (let n = 1; n <= steps; n++) {
      const deps = await dirtyAccount();
      const racing = interleaved(deps.db, n, () => recomputeMarked(deps));
      await ingestSecond(racing.db);
      expect({ n, scored: await scoredFromEverything(deps) }).toEqual({ n, scored: true });
    }
  });

  it('never loses the signal when the ingest runs whole before any one request of a pass (markers listed, claimed 25 to a request, accounts read together)', async () => {
    await ingestBeforeEachRequestOf((deps) => recomputeDirty(deps, defaultConfig));
  });
});

describe('claiming many markers as a pass listed them', () => {
  it('claims each with the marks listed; one marked again since is claimed with its new marks, one gone gets no claim', async () => {
    const db = await createTestDb();
    await markDirty(db, ['a', 'b', 'c'], NOW);
    const listed = await listDirty(db);
    await markDirty(db, ['b'], NOW);
    const gone = await claimDirtyMany(
      db,
      listed.filter((m) => m.accountId === 'c'),
      NOW,
    );
    await clearDirty(db, gone.get('c') ?? { accountId: 'c', marks: -1, claim: '' });
    const claims = await claimDirtyMany(db, listed, NOW);
    expect([...claims.keys()].sort()).toEqual(['a', 'b']);
    expect(claims.get('a')?.marks).toBe(1);
    expect(claims.get('b')?.marks).toBe(2);
    expect((await readDirtyMark(db, 'b'))?.claim).toBe(claims.get('b')?.claim);
    // A claim is cleared only while nothing marked the account since: 'a' is marked again, 'b' is not.
    await markDirty(db, ['a'], NOW);
    expect(await clearDirty(db, claims.get('a') as NonNullable<ReturnType<typeof claims.get>>)).toBe(false);
    expect(await clearDirty(db, claims.get('b') as NonNullable<ReturnType<typeof claims.get>>)).toBe(true);
    expect((await listDirty(db)).map((m) => m.accountId)).toEqual(['a']);
  });
});
