import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#store/client';
import { dumpTable } from '../support/db.ts';
import { startTestApi } from '../support/http.ts';

/** `churnguard sync` and `import --mapping` for CRM exports as a user runs them, against a local API server. */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/churnguard.js');
const KEY = 'cg_test_key_for_the_connectors';
const FIXTURES = join(ROOT, 'tests/fixtures/connectors');
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-cli-connectors-'));
let db: Db;
let api: string;
let stopApi: () => Promise<void>;

beforeAll(async () => {
  ({ db, url: api, stop: stopApi } = await startTestApi(KEY));
});

afterAll(async () => {
  await stopApi?.();
  rmSync(scratch, { recursive: true, force: true });
});

function churnguard(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      CHURNGUARD_HOME: join(scratch, 'home'),
      CHURNGUARD_API_URL: api,
      CHURNGUARD_API_KEY: KEY,
      CHURNGUARD_CONNECTORS: '',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}

const accounts = async () =>
  (await dumpTable(db, (item) => item.kind === 'account')).map((item) => String(item.id)).sort();

describe('churnguard sync and import of CRM exports', () => {
  it('loads a HubSpot export, exiting 2 with the refused company in the rejects file', async () => {
    const rejects = join(scratch, 'hubspot.rejects.jsonl');
    const result = await churnguard([
      'sync',
      'hubspot',
      '--from',
      join(FIXTURES, 'hubspot-export'),
      '--mapping',
      join(FIXTURES, 'hubspot-export/hubspot-mapping.json'),
      '--rejects',
      rejects,
    ]);
    expect(result.stdout).toContain('3 companies in');
    expect(result.stdout).toContain(
      `2 accounts stored, 1 rejected (see ${rejects}), 3 deals or contacts not used`,
    );
    expect(result.code).toBe(2);
    expect(readFileSync(rejects, 'utf8')).toContain('no renewal deal of this company in deals.csv');
    expect(await accounts()).toEqual(expect.arrayContaining(['5001', '5002']));
  });

  it('loads a Salesforce export through import with the mapping file from examples/', async () => {
    const rejects = join(scratch, 'salesforce.rejects.jsonl');
    const result = await churnguard([
      'import',
      join(FIXTURES, 'salesforce-export'),
      '--mapping',
      join(ROOT, 'examples/salesforce/mapping.json'),
      '--rejects',
      rejects,
    ]);
    expect(result.stdout).toContain('2 accounts stored, 1 rejected');
    expect(result.code).toBe(2);
    expect(await accounts()).toEqual(expect.arrayContaining(['0015e00000K7aBcAAF', '0015e00000K7aBdAAF']));
  });

  it('loads a PostHog batch export as signals; the events it cannot place are counted with why', async () => {
    const result = await churnguard([
      'sync',
      'posthog',
      '--from',
      join(FIXTURES, 'posthog-batch-export.jsonl'),
      '--rejects',
      join(scratch, 'ph.rejects.jsonl'),
    ]);
    expect(result.stdout).toContain('2 signals stored, 0 duplicates, 0 rejected');
    expect(result.stdout).toContain('1 ignored: event is not mapped');
    expect(result.code).toBe(0);
  });

  it('says what is wrong with the command line (64) and with the export (65)', async () => {
    const noVendor = await churnguard(['sync', 'pipedrive', '--from', scratch]);
    expect(noVendor.code).toBe(64);
    expect(noVendor.stderr).toContain('sync needs a source: churnguard sync hubspot|posthog --from <export>');
    const noFrom = await churnguard(['sync', 'hubspot']);
    expect(noFrom.code).toBe(64);
    const empty = await churnguard(['sync', 'hubspot', '--from', scratch]);
    expect(empty.stderr).toContain('no companies file in');
    expect(empty.code).toBe(65);
  });
});
