import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Db } from '#store/client';
import { dumpTable } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { startTestApi } from '../support/http.ts';

/** The churnguard CLI as a user runs it, against a local API server over a test table. */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/churnguard.js');
const KEY = 'cg_test_key_for_the_first_hour';
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-cli-'));
const running: ChildProcess[] = [];
let db: Db;
let api: string;
let stopApi: () => Promise<void>;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function start(args: string[], options: { env?: Record<string, string>; cwd?: string; entry?: string } = {}) {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [...(options.entry ? ['--import', 'tsx', options.entry] : [BIN]), ...args],
    {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        CHURNGUARD_HOME: join(scratch, 'home'),
        CHURNGUARD_API_URL: api,
        CHURNGUARD_API_KEY: KEY,
        CHURNGUARD_CONFIG: '',
        ...options.env,
      },
    },
  );
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Ran>((resolveRun) =>
    child.on('exit', (code) => resolveRun({ code, stdout, stderr, ms: Date.now() - started })),
  );
  return { child, done, output: () => stdout + stderr };
}

const churnguard = (args: string[], options: Parameters<typeof start>[1] = {}) => start(args, options).done;

function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

beforeAll(async () => {
  const testApi = await startTestApi(KEY);
  db = testApi.db;
  api = testApi.url;
  stopApi = testApi.stop;
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await stopApi();
});

describe('churnguard config', () => {
  it('validates a three-line file changing one cap, one band and the brand, and prints it merged', async () => {
    const config = 'examples/churnguard.config.json';
    const validated = await churnguard(['config', 'validate', config]);
    expect(validated.stdout).toContain(`config OK: ${config} over the built-in default`);
    expect(validated.code).toBe(0);

    const printed = await churnguard(['config', 'print', config]);
    expect(printed.code).toBe(0);
    const effective = JSON.parse(printed.stdout);
    expect(effective.restraint).toEqual({ ...defaultConfig.restraint, weeklyPerContact: 3 });
    expect(effective.segments.core.health.bands).toEqual({ green: 75, yellow: 50 });
    expect(effective.brand).toEqual({
      productName: 'Beacon Analytics',
      appUrl: 'https://app.beacon.example',
    });
    expect(effective.plays).toEqual(defaultConfig.plays);

    const diff = await churnguard(['config', 'diff', config]);
    expect(diff.stdout.split('\n').slice(1, -1)).toEqual([
      '~ segments.core.health.bands.green: 69 -> 75',
      '~ restraint.weeklyPerContact: 2 -> 3',
      '+ brand.productName: "Beacon Analytics"',
      '+ brand.appUrl: "https://app.beacon.example"',
    ]);
  });

  it('prints the built-in default with --defaults, and takes the file from CHURNGUARD_CONFIG', async () => {
    const defaults = await churnguard(['config', 'print', '--defaults']);
    expect(JSON.parse(defaults.stdout)).toEqual(JSON.parse(JSON.stringify(defaultConfig)));
    const fromEnv = await churnguard(['config', 'print'], {
      env: { CHURNGUARD_CONFIG: 'examples/churnguard.config.json' },
    });
    expect(JSON.parse(fromEnv.stdout).restraint.weeklyPerContact).toBe(3);
  });

  it('names each problem by its path in the file', async () => {
    const bad = file('bad.json', '{ "restraint": { "weeklyPerContact": 0 }, "brand": { "appUrl": "soon" } }');
    const result = await churnguard(['config', 'validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('restraint.weeklyPerContact: must be a whole number from 1 to 100');
    expect(result.stdout).toContain('brand.appUrl: must be a URL');
  });
});

describe('churnguard import explains itself', () => {
  const header =
    'id,name,region,arr,currency,goLiveDate,csm_name,csm_email,contacts,start,renewal,contract.arr';

  it('refuses a CSV with the wrong header in one error naming the expected columns, sending nothing', async () => {
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `a${i},A${i},EMEA,1000,EUR,2026-01-01,Cara,cara@vendor.example,[],2026-01-01,2027-01-01,1000`,
    );
    const csv = file('accounts-wrong.csv', [header, ...rows].join('\n'));
    const result = await churnguard(['import', csv]);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('the header does not have the columns of accounts');
    expect(result.stderr).toContain(
      'missing:  csm.name, csm.email, contract.startDate, contract.renewalDate',
    );
    expect(result.stderr).toContain('csm_email (did you mean csm.email?)');
    expect(result.stderr).toContain(
      'expected: id,name,region,arr,currency,goLiveDate,csm.name,csm.email,contacts,contract.startDate,contract.renewalDate,contract.arr',
    );
    expect(result.stderr.split('\n').length).toBeLessThan(12);
    expect(existsSync(`${csv}.rejects.jsonl`)).toBe(false);
    expect(await dumpTable(db, (item) => String(item.pk).startsWith('ACCOUNT#a'))).toEqual([]);
  });

  it.each([
    ['empty.csv', '', 'is empty: there is nothing to import'],
    ['accounts-header-only.csv', 'id,name\n', 'has a header and no rows: there is nothing to import'],
    ['signals-blank.jsonl', '\n\n', 'holds no records: there is nothing to import'],
  ])('says %s is empty, with exit code 65', async (name, content, message) => {
    const result = await churnguard(['import', file(name, content)]);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(65);
  });

  it('documents its exit codes in --help', async () => {
    const help = await churnguard(['--help']);
    expect(help.stdout).toMatch(
      /Exit codes: 0 every row stored .* 1 failed .* 2 finished with rows rejected .* 64 wrong usage; 65 the\s+file cannot be imported .* 130 interrupted by Ctrl-C/s,
    );
  });

  it('stops on Ctrl-C saying where it stopped and how to resume, and resumes when run again', async () => {
    await churnguard(['import', file('accounts.json', JSON.stringify([account('acme'), account('globex')]))]);
    const signals = realisticSignals(['acme', 'globex'], 60, 50, '2026-03-01');
    const jsonl = file('signals.jsonl', `${signals.map((s) => JSON.stringify(s)).join('\n')}\n`);
    const importer = start(['import', jsonl, '--batch', '100']);
    await until(
      async () => (await dumpTable(db, (item) => item.kind === 'signal')).length >= 500,
      'some signals to be stored',
    );
    importer.child.kill('SIGINT');
    const stopped = await importer.done;
    expect(stopped.code).toBe(130);
    const where =
      /interrupted after line (\d+) of .*signals\.jsonl \(every row up to it was sent\): (\d+) signals rows sent/.exec(
        stopped.stdout,
      );
    expect(where, stopped.stdout + stopped.stderr).not.toBeNull();
    // Every row up to the line was sent; lanes ahead of the slowest may have sent rows after it too (a re-run
    // finds those as duplicates), so the count sent is at least the line.
    expect(Number(where?.[2])).toBeGreaterThanOrEqual(Number(where?.[1]));
    expect(Number(where?.[1])).toBeLessThan(6000);
    expect(stopped.stdout).toContain('To resume, run the same command again');

    const resumed = await churnguard(['import', jsonl]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/6000 signals rows .*: \d+ accepted, \d+ duplicates, 0 rejected/);
    expect(await dumpTable(db, (item) => item.kind === 'signal')).toHaveLength(6000);
  }, 240_000);
});

describe('churnguard finds the API, or says at once how to point it there', () => {
  it('fails in seconds on a port where nothing listens, naming the URL, where it came from and the way out', async () => {
    const port = await closedPort();
    const result = await churnguard(['account', 'acme'], {
      env: { CHURNGUARD_API_URL: '', PORT: String(port) },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `cannot reach the churnguard API at http://127.0.0.1:${port} (connection refused)`,
    );
    expect(result.stderr).toContain('the URL came from PORT');
    expect(result.stderr).toContain('--api <url> or CHURNGUARD_API_URL');
    expect(result.ms).toBeLessThan(10_000);
  });

  it('finds the local stack from a subfolder of the project, through its .churnguard folder', async () => {
    const project = mkdtempSync(join(tmpdir(), 'churnguard-project-'));
    const home = join(project, '.churnguard');
    mkdirSync(home);
    mkdirSync(join(project, 'exports', 'march'), { recursive: true });
    writeFileSync(join(home, 'local-api-key'), `${KEY}\n`);
    // A stack file as npm start writes it; this test process stands in for the stack's (living) process.
    writeFileSync(
      join(home, 'stack.json'),
      JSON.stringify({ apiUrl: api, inboxUrl: api, pid: process.pid, startedAt: new Date().toISOString() }),
    );
    const result = await churnguard(['account', 'acme', '--json'], {
      cwd: join(project, 'exports', 'march'),
      env: { CHURNGUARD_HOME: '', CHURNGUARD_API_URL: '', CHURNGUARD_API_KEY: '', PORT: '' },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'acme' });
  });
});

describe('churnguard simulate writes where it was told, else into .churnguard/', () => {
  it('puts the result in the local home, which git ignores, not in the current folder', async () => {
    const home = mkdtempSync(join(tmpdir(), 'churnguard-sim-home-'));
    const cwd = mkdtempSync(join(tmpdir(), 'churnguard-sim-cwd-'));
    const result = await churnguard(['simulate', join(ROOT, 'examples/scenario.yaml')], {
      cwd,
      env: { CHURNGUARD_HOME: home },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`result in ${join(home, 'result.json')}`);
    expect(existsSync(join(home, 'result.json'))).toBe(true);
    expect(existsSync(join(cwd, 'result.json'))).toBe(false);
    // In the project, that folder is .churnguard/, which git ignores (as it does rejects files).
    const ignored = execFileSync(
      'git',
      ['check-ignore', '.churnguard/result.json', 'examples/x.csv.rejects.jsonl'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(ignored.trim().split('\n')).toEqual(['.churnguard/result.json', 'examples/x.csv.rejects.jsonl']);
  }, 120_000);
});

describe('the local stack checks its ports before anything starts', () => {
  const javaFor = (home: string) =>
    execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('java') && line.includes(home));

  it.each([
    ['PORT', 'PORT=3001 npm start'],
    ['SES_PORT', 'leave SES_PORT unset'],
  ])('names %s when its port is taken, before Java starts', async (variable, advice) => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const { port } = taken.address() as AddressInfo;
    const home = mkdtempSync(join(tmpdir(), 'churnguard-ports-'));
    try {
      const run = start([], {
        entry: 'local/start.ts',
        env: { CHURNGUARD_HOME: home, PORT: '0', SES_PORT: '0', [variable]: String(port) },
      });
      const result = await run.done;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `port ${port} is already in use (${variable}); set ${variable} to another port`,
      );
      expect(result.stderr).toContain(advice);
      expect(result.stdout).not.toContain('Starting churnguard');
      expect(javaFor(home)).toEqual([]);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
