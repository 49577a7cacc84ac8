import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDailyRollup } from '#core/rollup';
import { type Signal, type SignalInput, signalDay } from '#core/signals';
import { LOCAL_TABLE_NAME } from '#local/stack';
import { createDb } from '#store/client';
import { comparableRollups, dumpTable, rollupsOnly } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';

const home = mkdtempSync(join(tmpdir(), 'churnguard-e2e-'));
const env = { ...process.env, CHURNGUARD_HOME: home, PORT: '0', CHURNGUARD_API_KEY: '' };
const running: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  api: string;
  key: string;
  dynamo: string;
  output: () => string;
}

/** Starts the stack the way `npm start` does and waits for the banner. */
async function startStack(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl-C/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`stack did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const api = /API\s+(http:\S+)\/v1/.exec(output)?.[1] ?? '';
  const key = /API key\s+(\S+)/.exec(output)?.[1] ?? '';
  const dynamo = /DynamoDB\s+(http:\S+)/.exec(output)?.[1] ?? '';
  return { child, api, key, dynamo, output: () => output };
}

function javaProcessesFor(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'comm,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.startsWith('java') && line.includes(dir));
}

async function waitFor(condition: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startCli(args: string[], extraEnv: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args], { env: { ...env, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

const runCli = (args: string[], extraEnv: Record<string, string>) => startCli(args, extraEnv).done;

/** Every stored rollup in the window equals the pure rollup of exactly the signals that were sent. */
async function expectExactRollups(
  db: ReturnType<typeof createDb>,
  signals: SignalInput[],
  fromDay: string,
  toDay: string,
) {
  const expected = new Map<string, Signal[]>();
  for (const s of signals) {
    const key = `${s.accountId} ${signalDay(s)}`;
    expected.set(key, [...(expected.get(key) ?? []), { ...s, receivedAt: '' }]);
  }
  const rollups = comparableRollups(await dumpTable(db, rollupsOnly)).filter(
    (r) => String(r.day) >= fromDay && String(r.day) <= toDay,
  );
  expect(rollups).toHaveLength(expected.size);
  for (const rollup of rollups) {
    const { pk: _pk, sk: _sk, kind: _kind, ...stored } = rollup;
    const group = expected.get(`${stored.accountId} ${stored.day}`) ?? [];
    expect(stored).toEqual(buildDailyRollup(String(stored.accountId), String(stored.day), group));
  }
}

async function waitForStoredSignals(db: ReturnType<typeof createDb>, atLeast: number) {
  const deadline = Date.now() + 60_000;
  while ((await dumpTable(db, (i) => i.kind === 'signal')).length < atLeast) {
    if (Date.now() > deadline) throw new Error('import made no progress');
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('local stack, as a user starts it', () => {
  let stack: Started;
  const auth = () => ({ authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' });

  it('starts, prints the API URL and key, and serves the README examples', async () => {
    stack = await startStack();
    expect(stack.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The banner's first steps work when run in turn: the example accounts are imported before acme is asked for.
    const tryIt = stack.output().slice(stack.output().indexOf('Try it'));
    expect(tryIt.indexOf('npx churnguard import examples/accounts.csv')).toBeGreaterThan(0);
    expect(tryIt.indexOf('npx churnguard account acme')).toBeGreaterThan(
      tryIt.indexOf('npx churnguard import examples/accounts.csv'),
    );
    expect(readFileSync('examples/accounts.csv', 'utf8')).toMatch(/^acme,/m);
    expect(readFileSync(join(home, 'local-api-key'), 'utf8').trim()).toBe(stack.key);
    const created = await fetch(`${stack.api}/v1/accounts`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ accounts: [account('acme')] }),
    });
    expect(created.status).toBe(200);
    const signal = {
      id: 'login-1',
      accountId: 'acme',
      type: 'login',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      userId: 'u1',
    };
    const sent = await fetch(`${stack.api}/v1/signals`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ signals: [signal] }),
    });
    expect(await sent.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const read = await fetch(`${stack.api}/v1/accounts/acme`, { headers: auth() });
    expect(await read.json()).toMatchObject({ id: 'acme', name: 'Account acme' });
  });

  it('imports files through the CLI, writing bad rows to a rejects file', async () => {
    const accountsCsv = join(home, 'accounts.csv');
    writeFileSync(
      accountsCsv,
      [
        'id,name,region,arr,currency,goLiveDate,csm.name,csm.email,contract.startDate,contract.renewalDate,contract.arr,contacts',
        `globex,Globex,NA,90000,USD,2026-02-01,Casey,casey@vendor.example,2026-01-01,2027-01-01,90000,"[{""id"":""g1"",""email"":""it@globex.example"",""name"":""Gil"",""role"":""admin"",""timezone"":""America/New_York""}]"`,
        'broken,Broken,NA,lots,USD,2026-02-01,Casey,casey@vendor.example,2026-01-01,2025-01-01,1,[]',
      ].join('\n'),
    );
    const result = await runCli(['import', accountsCsv], {
      CHURNGUARD_API_URL: stack.api,
      CHURNGUARD_API_KEY: stack.key,
    });
    expect(result.stdout).toContain('2 accounts rows');
    expect(result.stdout).toContain('1 accepted');
    expect(result.code).toBe(2);
    const rejects = readFileSync(`${accountsCsv}.rejects.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).toHaveLength(1);
    expect(rejects[0].line).toBe(3);
    expect(rejects[0].errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'arr',
      'contract.renewalDate',
    ]);
  });

  it('leaves exact rollups when an import is killed midway and run again', async () => {
    const signals = realisticSignals(['acme', 'globex'], 60, 50, '2026-03-01');
    const file = join(home, 'signals.jsonl');
    writeFileSync(file, `${signals.map((s) => JSON.stringify(s)).join('\n')}\n`);
    const cliEnv = { CHURNGUARD_API_URL: stack.api, CHURNGUARD_API_KEY: stack.key };
    const first = startCli(['import', file, '--batch', '100'], cliEnv);
    const db = createDb(LOCAL_TABLE_NAME, stack.dynamo);
    // Kill the importer once some, not all, signals are stored.
    await waitForStoredSignals(db, 1000);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    const rerun = await runCli(['import', file], cliEnv);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('6000 signals rows');

    await expectExactRollups(db, signals, '2026-03-01', '2026-04-29');
    db.doc.destroy();
  }, 240_000);

  it('leaves exact rollups when the stack itself is killed mid-import, restarted and the import re-run', async () => {
    const signals = realisticSignals(['acme', 'globex'], 30, 50, '2026-07-01');
    const file = join(home, 'signals-2.jsonl');
    writeFileSync(file, `${signals.map((s) => JSON.stringify(s)).join('\n')}\n`);
    const importer = startCli(['import', file, '--batch', '100'], {
      CHURNGUARD_API_URL: stack.api,
      CHURNGUARD_API_KEY: stack.key,
    });
    const before = createDb(LOCAL_TABLE_NAME, stack.dynamo);
    await waitForStoredSignals(before, 6000 + 1 + 500);
    before.doc.destroy();
    stack.child.kill('SIGKILL');
    importer.child.kill('SIGKILL');
    await importer.done;
    await waitFor(() => javaProcessesFor(home).length === 0, 'java to exit after the stack was killed');

    stack = await startStack();
    const rerun = await runCli(['import', file], {
      CHURNGUARD_API_URL: stack.api,
      CHURNGUARD_API_KEY: stack.key,
    });
    expect(rerun.code).toBe(0);
    const db = createDb(LOCAL_TABLE_NAME, stack.dynamo);
    await expectExactRollups(db, signals, '2026-07-01', '2026-07-30');
    db.doc.destroy();
  }, 240_000);

  it('stops on Ctrl-C leaving no Java process behind, and keeps data for the next start', async () => {
    stack.child.kill('SIGINT');
    await waitFor(() => stack.child.exitCode !== null, 'the stack to exit');
    expect(stack.child.exitCode).toBe(0);
    expect(stack.output()).toContain('stopped; data is kept');
    await waitFor(() => javaProcessesFor(home).length === 0, 'java to exit');

    stack = await startStack();
    const read = await fetch(`${stack.api}/v1/accounts/globex`, { headers: auth() });
    expect(read.status).toBe(200);
  });

  it('leaves no Java process behind when the Node process is killed outright', async () => {
    expect(javaProcessesFor(home)).toHaveLength(1);
    stack.child.kill('SIGKILL');
    await waitFor(() => javaProcessesFor(home).length === 0, 'java to exit after SIGKILL');
  });
});
