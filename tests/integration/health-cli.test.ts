import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { accountWithHealthSchema } from '#core/health/view';
import { createLocalApiServer } from '#local/http-server';
import { registerApiKey } from '#store/api-key-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { accountFor, portfolioAccounts, signalsFor } from '../support/health-portfolio.ts';
import { seedStoredHistory } from '../support/seed-store.ts';

const KEY = 'cg_test_key_for_health_cli';
const NOW = new Date('2026-06-01T12:00:00Z');
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-cli-'));
let server: Server;
let api: string;

/** The CLI as a user runs it: the published bin, in its own process. */
function churnguard(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args], {
    env: { ...process.env, CHURNGUARD_HOME: scratch, CHURNGUARD_API_KEY: '', CHURNGUARD_API_URL: '' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

function writeConfig(name: string, config: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('churnguard config validate', () => {
  it('prints every error with its path and exits 1', async () => {
    const { core } = defaultConfig.segments;
    if (!core) throw new Error('the default config has a core segment');
    const broken = {
      ...defaultConfig,
      segmentation: {
        ...defaultConfig.segmentation,
        byTier: { ...defaultConfig.segmentation.byTier, I: { segment: 'enterprise', touch: 'high' } },
      },
      segments: {
        ...defaultConfig.segments,
        core: {
          ...core,
          health: {
            ...core.health,
            bands: { green: 40, yellow: 60 },
            weights: { engagement: -1, happiness: 3 },
          },
        },
      },
      health: { ...defaultConfig.health, lookbackDays: 20 },
    };
    const { code, output } = await churnguard('config', 'validate', writeConfig('bad.json', broken));
    expect(code).toBe(1);
    expect(output).toContain('config invalid');
    for (const path of [
      'segments.core.health.bands.yellow: must be below green (40)',
      'segments.core.health.weights.engagement: must be positive',
      'segments.core.health.weights.happiness: is not a health component',
      'health.windows.engagement: must not exceed health.lookbackDays (20)',
      'segmentation.byTier.I.segment: names segment "enterprise", which is not defined',
    ]) {
      expect(output).toContain(path);
    }
  });

  it('checks the built-in default when given no file', async () => {
    const { code, output } = await churnguard('config', 'validate');
    expect(code).toBe(0);
    expect(output).toMatch(/^config OK: the built-in default/);
    expect(output).toContain('core (Core, core, low touch): green from 69, yellow from 50');
  });

  it('accepts a valid file', async () => {
    const { code, output } = await churnguard('config', 'validate', writeConfig('good.json', defaultConfig));
    expect(code).toBe(0);
    expect(output).toContain('3 segments');
  });
});

describe('churnguard account', () => {
  beforeAll(async () => {
    const db = await createTestDb();
    const deps = testDeps(db);
    await registerApiKey(db, KEY, 'test', deps.clock.now());
    const seeds = portfolioAccounts(1).filter((s) => s.segment === 'core');
    await seedStoredHistory(
      db,
      seeds.map((s) => accountFor(s, NOW)),
      seeds.flatMap((s) => signalsFor(s, NOW)),
      NOW,
    );
    server = createLocalApiServer(deps);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('explains a red account in words, with each component and its exact contribution', async () => {
    const { code, output } = await churnguard('account', 'core-troubled', '--api', api, '--key', KEY);
    expect(code).toBe(0);
    expect(output).toMatch(/Health\s+[\d.]+ \/ 100 {2}RED/);
    expect(output).toContain('Journey    Laggard');
    expect(output).toContain('First login on day 9, 4 days after day 5');
    expect(output).toMatch(/Relationship\s+15\.0%\s+[\d.]+\s+[\d.]+/);
    expect(output).toContain('What costs the most');
    expect(output).toContain('sponsor left 12 days ago');
    const contributions = [
      ...output.matchAll(/^ {2}\S.{16}\s+[\d.]+%\s+(?:[\d.]+|unknown)\s+([\d.]+)/gm),
    ].map((m) => Math.round(Number(m[1]) * 10));
    const total = Number(/^ {2}Score\s+([\d.]+)$/m.exec(output)?.[1]);
    expect(contributions).toHaveLength(6);
    expect(contributions.reduce((a, b) => a + b, 0)).toBe(Math.round(total * 10));
  });

  it('prints the API answer as JSON with --json', async () => {
    const { code, output } = await churnguard(
      'account',
      'core-healthy-0',
      '--json',
      '--api',
      api,
      '--key',
      KEY,
    );
    expect(code).toBe(0);
    const parsed = accountWithHealthSchema.parse(JSON.parse(output));
    expect(parsed.health?.band).toBe('green');
  });

  it('says so when the account does not exist', async () => {
    const { code, output } = await churnguard('account', 'nobody', '--api', api, '--key', KEY);
    expect(code).toBe(1);
    expect(output).toContain('account "nobody" not found');
  });
});
