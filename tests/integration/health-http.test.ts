import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { modelVersion } from '#core/health/model-version';
import type { PortfolioSummary } from '#core/health/portfolio';
import { type AccountWithHealth, accountWithHealthSchema } from '#core/health/view';
import type { SignalInput } from '#core/signals';
import { createAccountsHandler } from '#functions/accounts/app';
import { createLocalApiServer } from '#local/http-server';
import { registerApiKey } from '#store/api-key-store';
import { chunk } from '#store/parallel';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { accountFor, portfolioAccounts, signalsFor } from '../support/health-portfolio.ts';
import { httpEvent, readJson } from '../support/http.ts';

const KEY = 'cg_test_key_for_health_http';
const NOW = new Date('2026-06-01T12:00:00Z');
const seeds = portfolioAccounts(1).filter((s) =>
  ['core-healthy-0', 'core-troubled', 'transactional-healthy-0'].includes(s.id),
);
let server: Server;
let base: string;
let deps: ReturnType<typeof testDeps>;

function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function postSignals(signals: readonly SignalInput[]) {
  for (const part of chunk(signals, 1000)) {
    const response = await call('POST', '/v1/signals', { signals: part });
    expect(response.status).toBe(202);
  }
}

async function getAccount(id: string): Promise<AccountWithHealth> {
  const response = await call('GET', `/v1/accounts/${id}`);
  expect(response.status).toBe(200);
  return accountWithHealthSchema.parse(await response.json());
}

beforeAll(async () => {
  const db = await createTestDb();
  deps = testDeps(db);
  await registerApiKey(db, KEY, 'test', deps.clock.now());
  server = createLocalApiServer(deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = [...seeds.map((seed) => accountFor(seed, NOW)), account('quiet')];
  expect((await call('POST', '/v1/accounts', { accounts })).status).toBe(200);
  await postSignals(seeds.flatMap((seed) => signalsFor(seed, NOW)));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('GET /v1/accounts/{id} with health', () => {
  it('scores a new account on first read and explains a red one', async () => {
    const { health } = await getAccount('core-troubled');
    expect(health).toMatchObject({
      band: 'red',
      modelVersion: modelVersion(defaultConfig),
      segment: { segment: 'core', label: 'Core', tier: 'B' },
      bands: { green: 69, yellow: 50 },
      journey: { journeyClass: 'laggard' },
      lastChange: { reason: 'first-score' },
    });
    const tenths = health?.components.reduce((sum, c) => sum + Math.round(c.contribution * 10), 0);
    expect(tenths).toBe(Math.round((health?.score ?? -1) * 10));
    expect(health?.drivers).toHaveLength(3);
    expect(health?.drivers.every((d) => d.text.length > 10 && d.pointsLost > 0)).toBe(true);
    expect(health?.trend.map((t) => t.days)).toEqual([7, 30, 90]);
  });

  it('scores again when new signals arrive, and says what moved it', async () => {
    const before = await getAccount('core-healthy-0');
    expect(before.health?.band).toBe('green');
    const again = await getAccount('core-healthy-0');
    expect(again.health?.lastChange).toEqual(before.health?.lastChange);
    await postSignals([
      { id: 'gone', accountId: 'core-healthy-0', type: 'sponsor_left', occurredAt: '2026-06-01T09:00:00Z' },
    ]);
    const after = await getAccount('core-healthy-0');
    expect(after.health?.lastChange).toMatchObject({ reason: 'dirty', signals: { sponsor_left: 1 } });
    expect(after.health?.lastChange.summary).toContain('Relationship');
    expect(after.health?.score).toBeLessThan(before.health?.score ?? 0);
  });

  it('leaves out components without data, and says so', async () => {
    const { health } = await getAccount('quiet');
    expect(health?.renormalised).toBe(true);
    expect(health?.unknown.map((u) => u.component)).toContain('engagement');
    const engagement = health?.components.find((c) => c.component === 'engagement');
    expect(engagement).toMatchObject({ status: 'unknown', contribution: 0, normalizedWeight: 0 });
  });

  it('answers health null with a reason when scoring on read is off and the account was never scored', async () => {
    const handler = createAccountsHandler(deps, { recomputeOnRead: false });
    const response = await handler(
      httpEvent('GET /v1/accounts/{id}', {
        headers: { authorization: `Bearer ${KEY}` },
        pathParameters: { id: 'transactional-healthy-0' },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toMatchObject({
      id: 'transactional-healthy-0',
      health: null,
      healthUnavailable: expect.stringContaining('not scored yet'),
    });
  });
});

describe('GET /v1/portfolio', () => {
  it('scores what is dirty, then counts bands and classes by segment', async () => {
    const response = await call('GET', '/v1/portfolio');
    expect(response.status).toBe(200);
    const summary = await readJson<PortfolioSummary & { pendingRecompute: number }>(response);
    expect(summary).toMatchObject({ accounts: 4, notScored: 0, pendingRecompute: 0 });
    const core = summary.segments.find((s) => s.segment === 'core');
    expect(core).toMatchObject({ accounts: 2, bands: { green: 1, red: 1 }, classes: { laggard: 1 } });
    // `quiet` (ARR 48,000: tier C) is Transactional like transactional-healthy-0, scored by this read.
    const transactional = summary.segments.find((s) => s.segment === 'transactional');
    expect(transactional?.accounts).toBe(2);
    expect(transactional?.bands.green).toBeGreaterThanOrEqual(1);
    expect(summary.segments.map((s) => s.segment)).toEqual(['strategic', 'core', 'transactional']);
  });
});
