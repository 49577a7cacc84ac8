import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '#cli/commands/import';
import { fixedClock } from '#core/clock';
import type { SignalInput } from '#core/signals';
import { createLocalApiServer } from '#local/http-server';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { comparableRollups, createTestDb, dumpTable, rollupsOnly, testDeps } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';

/**
 * `churnguard import` against an API that misbehaves the ways real ones do, through a proxy that can throttle,
 * fail, refuse or drop a request after the API handled it: every row ends stored once or in the rejects file
 * with a reason, the rollups are exact, and an import stopped midway is finished by running it again.
 */
const KEY = 'cg_import_faults_key';
const NOW = new Date('2026-06-01T12:00:00Z');
const ACCOUNTS = ['acme', 'globex', 'initech'];
const dir = mkdtempSync(join(tmpdir(), 'churnguard-import-faults-'));

/** What the proxy does with a request: forward it, forward it and lose the answer, refuse it, or answer itself. */
type Fault = (request: {
  n: number;
  body: string;
}) => 'pass' | 'drop' | 'refuse' | { status: number; headers?: Record<string, string>; body?: string };

interface Stack {
  db: Db;
  url: string;
  requests: () => number;
  maxInFlight: () => number;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A fresh table and API behind a proxy that applies `fault` to each request it forwards. */
async function stack(fault: Fault, db?: Db): Promise<Stack> {
  const table = db ?? (await createTestDb());
  if (!db) {
    await registerApiKey(table, KEY, 'faults', NOW);
    await upsertAccounts(
      table,
      ACCOUNTS.map((id) => account(id)),
      NOW,
    );
  }
  const api = createLocalApiServer(testDeps(table, fixedClock(NOW)));
  const apiUrl = await listen(api);
  let n = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const proxy = createServer(async (request, response) => {
    const body = await readBody(request);
    const decision = fault({ n: n++, body });
    if (decision === 'refuse') return void request.socket.destroy();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (decision !== 'pass' && decision !== 'drop') {
        response.writeHead(decision.status, { 'content-type': 'application/json', ...decision.headers });
        response.end(decision.body ?? JSON.stringify({ message: `injected ${decision.status}` }));
        return;
      }
      const answer = await fetch(`${apiUrl}${request.url}`, {
        method: request.method,
        headers: { authorization: String(request.headers.authorization), 'content-type': 'application/json' },
        body,
      });
      const text = await answer.text();
      // A dropped answer: the API stored the batch, the client never hears back (a crash or a lost connection).
      if (decision === 'drop') return void request.socket.destroy();
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(text);
    } finally {
      inFlight--;
    }
  });
  const url = await listen(proxy);
  return {
    db: table,
    url,
    requests: () => n,
    maxInFlight: () => maxInFlight,
    async close() {
      proxy.closeAllConnections();
      api.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await new Promise((r) => api.close(r));
    },
  };
}

function signalsFile(name: string, signals: readonly SignalInput[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${signals.map((s) => JSON.stringify(s)).join('\n')}\n`);
  return file;
}

const readRejects = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          line: number;
          record: SignalInput;
          errors: { path: string; message: string }[];
        },
    );

const signals = realisticSignals(ACCOUNTS, 10, 40, '2026-03-01');
let reference: Record<string, unknown>[];

beforeAll(async () => {
  const clean = await stack(() => 'pass');
  const summary = await importFile(
    { url: clean.url, key: KEY },
    { file: signalsFile('reference.jsonl', signals), batchSize: 100 },
  );
  expect(summary).toMatchObject({
    rows: signals.length,
    accepted: signals.length,
    duplicates: 0,
    rejected: 0,
  });
  reference = comparableRollups(await dumpTable(clean.db, rollupsOnly));
  expect(reference).toHaveLength(ACCOUNTS.length * 10);
  await clean.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('churnguard import against a misbehaving API', () => {
  it('slows down while the API throttles (429, and 503 with Retry-After) and finishes with every row stored', async () => {
    const retryAfter: Record<string, string> = { 'retry-after': '0' };
    const api = await stack(({ n }) =>
      n < 6 ? { status: n % 2 ? 503 : 429, headers: n % 2 ? retryAfter : {} } : 'pass',
    );
    const summary = await importFile(
      { url: api.url, key: KEY },
      { file: signalsFile('throttled.jsonl', signals), batchSize: 100, concurrency: 4 },
    );
    expect(summary).toMatchObject({ rows: signals.length, accepted: signals.length, rejected: 0 });
    expect(api.requests()).toBe(signals.length / 100 + 6);
    expect(comparableRollups(await dumpTable(api.db, rollupsOnly))).toEqual(reference);
    await api.close();
  });

  it('writes a row the API keeps failing on to the rejects file with the answer, and stores the rest', async () => {
    const poison = signals[123] as SignalInput;
    const api = await stack(({ body }) => (body.includes(`"${poison.id}"`) ? { status: 500 } : 'pass'));
    const file = signalsFile('poisoned.jsonl', signals);
    const summary = await importFile({ url: api.url, key: KEY }, { file, batchSize: 100 });
    expect(summary).toMatchObject({ rows: signals.length, accepted: signals.length - 1, rejected: 1 });
    expect(readRejects(`${file}.rejects.jsonl`)).toEqual([
      { line: 124, record: poison, errors: [{ path: '(request)', message: '500: injected 500' }] },
    ]);
    expect(await dumpTable(api.db, (item) => item.kind === 'signal')).toHaveLength(signals.length - 1);
    await api.close();
  });

  it('writes a row the API refuses to the rejects file with its reasons, not stopping (a ticket id too long for a key)', async () => {
    const long: SignalInput = {
      ...(signals[5] as SignalInput),
      type: 'ticket_opened',
      attributes: { ticketId: '票'.repeat(400) },
    };
    const rows = signals.map((s, i) => (i === 5 ? long : s));
    const api = await stack(() => 'pass');
    const file = signalsFile('long-ticket.jsonl', rows);
    const summary = await importFile({ url: api.url, key: KEY }, { file, batchSize: 100 });
    expect(summary).toMatchObject({ rows: rows.length, accepted: rows.length - 1, rejected: 1 });
    expect(readRejects(`${file}.rejects.jsonl`)).toEqual([
      {
        line: 6,
        record: long,
        errors: [{ path: 'attributes.ticketId', message: expect.stringContaining('1024 bytes') }],
      },
    ]);
    await api.close();
  });

  it('splits a batch the API finds too large (413) until it fits, storing every row', async () => {
    const bulky = signals
      .slice(0, 300)
      .map((s) => ({ ...s, attributes: { ...s.attributes, note: 'x'.repeat(500) } }));
    const api = await stack(({ body }) => (body.length > 40_000 ? { status: 413 } : 'pass'));
    const summary = await importFile(
      { url: api.url, key: KEY },
      { file: signalsFile('bulky.jsonl', bulky), batchSize: 100 },
    );
    expect(summary).toMatchObject({ rows: 300, accepted: 300, rejected: 0 });
    await api.close();
  });

  it('counts a batch once when its answer was lost after the API stored it, and the retry finds duplicates', async () => {
    // The first batch of acme and the first of globex: stored by the API, their answers lost once.
    const lost = new Set([(signals[0] as SignalInput).id, (signals[40] as SignalInput).id]);
    const api = await stack(({ body }) => {
      for (const id of lost)
        if (body.includes(`"${id}"`)) {
          lost.delete(id);
          return 'drop';
        }
      return 'pass';
    });
    const summary = await importFile(
      { url: api.url, key: KEY },
      { file: signalsFile('dropped.jsonl', signals), batchSize: 100 },
    );
    expect(summary.accepted + summary.duplicates).toBe(signals.length);
    expect(summary.duplicates).toBe(200);
    expect(comparableRollups(await dumpTable(api.db, rollupsOnly))).toEqual(reference);
    await api.close();
  });

  it('stops when rows keep failing alone (the API is broken, not the rows), without filling the rejects file', async () => {
    const api = await stack(() => ({ status: 500 }));
    const file = signalsFile('broken.jsonl', signals);
    await expect(importFile({ url: api.url, key: KEY }, { file, batchSize: 100 })).rejects.toThrow(
      /keeps answering 500 .*rows in a row failed alone/,
    );
    expect(readRejects(`${file}.rejects.jsonl`).length).toBeLessThan(5);
    await api.close();
  });

  it.each([
    ['after the first batches', 3],
    ['halfway', 6],
    ['at the last batch', 11],
  ])(
    'finishes an import stopped %s when it is run again: rollups exact, every row counted once',
    async (_, at) => {
      // The API goes away after `at` requests: the importer retries, then stops, as when it is killed.
      const first = await stack(({ n }) => (n >= at ? 'refuse' : 'pass'));
      const file = signalsFile(`stopped-${at}.jsonl`, signals);
      await expect(importFile({ url: first.url, key: KEY }, { file, batchSize: 100 })).rejects.toThrow(
        /is the API running\?/,
      );
      const stored = (await dumpTable(first.db, (item) => item.kind === 'signal')).length;
      expect(stored).toBeLessThan(signals.length);
      await first.close();
      const second = await stack(() => 'pass', first.db);
      const rerun = await importFile({ url: second.url, key: KEY }, { file, batchSize: 100 });
      expect(rerun).toMatchObject({ accepted: signals.length - stored, duplicates: stored, rejected: 0 });
      expect(comparableRollups(await dumpTable(second.db, rollupsOnly))).toEqual(reference);
      await second.close();
    },
  );
});
