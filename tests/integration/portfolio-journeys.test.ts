import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortfolioSummary } from '#core/health/portfolio';
import { registerApiKey } from '#store/api-key-store';
import { openRisk } from '#store/risk-store';
import type { AutomationAnswer } from '#usecases/automation';
import type { StackRank } from '#usecases/stack-rank';
import { createTestDb, testDeps } from '../support/db.ts';
import { seedJourneyPortfolio } from '../support/journey-portfolio.ts';
import { serveLocally } from '../support/local-api.ts';
import { FIXTURE_NOW, mutableClock } from '../support/retention-fixture.ts';
import { openRiskRecord } from '../support/risks.ts';

const ADMIN = 'cg_test_journeys_admin';
const READ = 'cg_test_journeys_read';
const clock = mutableClock(FIXTURE_NOW);
let api: { base: string; close(): Promise<void> };

async function get<T>(path: string, key = READ): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  const db = await createTestDb();
  await registerApiKey(db, ADMIN, 'seed', clock.now());
  await registerApiKey(db, READ, 'page', clock.now(), 'read');
  api = await serveLocally(testDeps(db, clock));
  await seedJourneyPortfolio(db, clock, (method, path, body) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  clock.set(FIXTURE_NOW);
  const openedAt = '2026-11-28T10:00:00.000Z';
  await openRisk(
    db,
    openRiskRecord('j-late', openedAt, {
      region: 'NA',
      arr: 40_000,
      currency: 'USD',
    }),
  );
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe('GET /v1/stack-rank: Champions, Cruisers and Laggards per segment (issue 15, item 5)', () => {
  it('judges accounts the data saw go live by their milestones, and an established one by its health', async () => {
    const { status, body } = await get<StackRank>('/v1/stack-rank?segment=core');
    expect(status).toBe(200);
    expect(body.segments.map((s) => s.segment)).toEqual(['core']);
    const rows = body.segments[0]?.accounts ?? [];
    const row = (id: string) => rows.find((r) => r.accountId === id);
    expect(row('j-fast')).toMatchObject({ journeyClass: 'champion', judgedBy: 'milestones' });
    expect(row('j-late')).toMatchObject({ journeyClass: 'laggard', judgedBy: 'milestones' });
    // Its milestones read as missed (it went live in 2024), yet it is judged by its health: red here (no healthy
    // cohort to compare with yet), so a Laggard for that reason, ranked by how far below the green line it is.
    expect(row('j-old')).toMatchObject({ judgedBy: 'health', band: 'red', journeyClass: 'laggard' });
    expect(row('j-old')?.pace).toBeLessThan(0);
    // Ranked: Champions first, Laggards last; ranks run 1..of.
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
    expect(rows[0]?.journeyClass).toBe('champion');
    expect(rows.at(-1)?.accountId).toBe('j-late');
    expect(row('j-fast')?.name).toBe('Account j-fast');
    expect(body.definitions.health).toMatch(/established account/);
  });

  it('lists every configured segment without a filter, and refuses an unknown segment naming the field', async () => {
    const all = await get<StackRank>('/v1/stack-rank');
    expect(all.body.segments.map((s) => s.segment)).toEqual(['strategic', 'core', 'transactional']);
    const refused = await get<{ message: string; errors: { path: string; message: string }[] }>(
      '/v1/stack-rank?segment=nope',
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.path).toBe('segment');
    expect(refused.body.errors[0]?.message).toContain('strategic, core, transactional');
    const unknownParameter = await get<{ errors: { path: string }[] }>('/v1/stack-rank?band=red');
    expect(unknownParameter.status).toBe(400);
  });
});

function churnguard(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args, '--api', api.base, '--key', READ], {
    env: {
      ...process.env,
      CHURNGUARD_HOME: mkdtempSync(join(tmpdir(), 'churnguard-stack-rank-')),
      CHURNGUARD_API_KEY: '',
      CHURNGUARD_API_URL: '',
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('churnguard stack-rank', () => {
  it('prints each account of the segment in rank order with its class and what it was judged by', async () => {
    const { code, output } = await churnguard('stack-rank', '--segment', 'core');
    expect(code, output).toBe(0);
    const lines = output.split('\n');
    const first = lines.findIndex((l) => l.includes('j-fast'));
    const last = lines.findIndex((l) => l.includes('j-late'));
    expect(lines[first]).toMatch(
      /^\s+1\. Champion\s+j-fast \(Account j-fast\)\s+by milestones, pace \+0\.75/,
    );
    expect(lines[last]).toMatch(/^\s+3\. Laggard\s+j-late .* by milestones/);
    // The health the API gives j-old, as the CLI prints it.
    const old = (await get<StackRank>('/v1/stack-rank?segment=core')).body.segments[0]?.accounts.find(
      (a) => a.accountId === 'j-old',
    );
    expect(old).toMatchObject({ band: 'red', judgedBy: 'health' });
    expect(output).toMatch(
      new RegExp(`Laggard\\s+j-old .* by health, pace -0\\.\\d+, health ${old?.score} red`),
    );
    expect(output).toContain('Core (core): 3 accounts');
  }, 60_000);

  it('says which segments there are when asked for one the config does not define', async () => {
    const { code, output } = await churnguard('stack-rank', '--segment', 'nope');
    expect(code).not.toBe(0);
    expect(output).toContain('segment');
    expect(output).toContain('strategic, core, transactional');
  }, 60_000);
});

describe('GET /v1/portfolio: the journey funnel and the health trend', () => {
  it('counts each milestone reached ahead, on time or late, and leaves established accounts out', async () => {
    const { body } = await get<PortfolioSummary>('/v1/portfolio');
    const core = body.funnel.find((f) => f.segment === 'core');
    expect(core?.accounts).toBe(2);
    const step = (id: string) => core?.steps.find((s) => s.milestone === id);
    expect(step('first_login')).toMatchObject({
      due: 2,
      reached: 2,
      ahead: 1,
      late: 1,
      missed: 0,
      pending: 0,
    });
    expect(step('configured')).toMatchObject({ due: 2, reached: 2, ahead: 1, late: 1, missed: 0 });
    // Day 32 of 90: the value milestones are still to come for both.
    expect(step('value_75')).toMatchObject({ due: 0, reached: 0, pending: 2 });
  });

  it('shows the distribution per segment week by week, ending at the counts of today', async () => {
    const { body } = await get<PortfolioSummary>('/v1/portfolio');
    const trend = body.trend.find((t) => t.segment === 'core');
    const today = body.segments.find((s) => s.segment === 'core');
    expect(trend?.points).toHaveLength(13);
    expect(trend?.points.at(-1)?.bands).toEqual(today?.bands);
    // Five weeks ago none of them had been scored; a week before today all three had.
    expect(trend?.points.at(-6)?.accounts).toBe(0);
    expect(trend?.points.at(-2)?.accounts).toBe(3);
  });
});

describe('GET /v1/automation: activity per play and holdout comparisons', () => {
  it('counts sent, silent, held out and skipped by reason per play, from the ledgers', async () => {
    const { status, body } = await get<AutomationAnswer>('/v1/automation');
    expect(status).toBe(200);
    const play = (id: string) => body.plays.find((p) => p.play === id);
    expect(play('congrats_first_login')).toMatchObject({
      sent: 1,
      silent: 0,
      heldOut: 0,
      accountsReached: 1,
    });
    expect(play('nudge_first_login')).toMatchObject({ sent: 1, skipped: { over_budget: 1 } });
    expect(play('nudge_value')).toMatchObject({ sent: 0, silent: 1, heldOut: 1, skipped: {} });
  });

  it('compares the accounts a play with a holdout reached against those it held out, with counts', async () => {
    const { body } = await get<AutomationAnswer>('/v1/automation');
    const value = body.holdouts.find((h) => h.play === 'nudge_value');
    expect(value?.share).toBe(0.1);
    expect(value?.heldOut.accounts).toBe(1);
    expect(value?.treated.accounts).toBe(0);
    expect(value?.silent.accounts).toBe(1);
    expect(value?.health.heldOut.accounts).toBe(1);
    expect(value?.health.heldOut.scored).toBe(1);
    expect(value?.scoreDifference).toBeNull();
    // Every play the config gives a holdout share, whether or not it held anyone out yet.
    expect(body.holdouts.map((h) => h.play)).toEqual([
      'congratulate_value',
      'nudge_value',
      'reengage',
      'weekly_tip',
    ]);
  });
});

describe('GET /v1/risks: red accounts with root cause, tier, strategy, days open and top drivers', () => {
  it("lists the open risk with the account's three top drivers, read in one batch", async () => {
    const { status, body } = await get<{
      risks: { accountId: string; tier: number; strategy: string; daysOpen: number; drivers: unknown[] }[];
    }>('/v1/risks');
    expect(status).toBe(200);
    const account = await get<{ health: { drivers: unknown[] } }>('/v1/accounts/j-late');
    expect(body.risks).toHaveLength(1);
    expect(body.risks[0]).toMatchObject({ accountId: 'j-late', tier: 1, strategy: 'rescue', daysOpen: 7 });
    expect(account.body.health.drivers.length).toBeGreaterThan(0);
    expect(body.risks[0]?.drivers).toEqual(account.body.health.drivers.slice(0, 3));
  });
});
