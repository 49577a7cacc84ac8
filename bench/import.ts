import '#local/quiet-sdk';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type SignalInput, signalDay } from '#core/signals';
import { startLocalStack } from '#local/stack';
import { createDb, type Db } from '#store/client';
import { keys } from '#store/keys';
import { chunk, mapLimit } from '#store/parallel';
import { ensureTable, TTL_ATTRIBUTE } from '#store/table';
import { account, realisticSignals } from '../tests/support/fixtures.ts';
import { machine, round, timed } from './support.ts';

/**
 * The real `churnguard import` (a child process running bin/churnguard.js) against the local stack (`npm start`'s
 * DynamoDB Local and HTTP API, in memory): first ACCOUNTS accounts, then a year of signals for SIGNAL_ACCOUNTS of
 * them (PER_DAY a day, in time order, as exports come). Baseline, in the same run and the same DynamoDB Local:
 * raw BatchWriteItem of the very signal items the import stores (25 a call, 16 calls in flight), into a table of
 * its own. Both paths run once on a small warm-up set first (100 accounts, 2,000 signals), so neither is timed
 * on a cold JVM.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const SIGNAL_ACCOUNTS = Number(process.env.BENCH_SIGNAL_ACCOUNTS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/churnguard.js', ...args], {
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function byTime(a: SignalInput, b: SignalInput) {
  return a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1;
}

/** Signal items in a table: a counting Scan, so the figures are only printed for an import that stored them all. */
async function countSignals(db: Db): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(
      new ScanCommand({
        TableName: db.tableName,
        Select: 'COUNT',
        FilterExpression: 'kind = :signal',
        ExpressionAttributeValues: { ':signal': 'signal' },
        ExclusiveStartKey,
      }),
    );
    count += out.Count ?? 0;
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

const jsonl = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'churnguard-bench-import-'));
  const stack = await startLocalStack({ port: 0, dispatchEverySeconds: 0, logLevel: 'SILENT' });
  try {
    const env = { CHURNGUARD_API_URL: stack.apiUrl, CHURNGUARD_API_KEY: stack.apiKey };
    const now = new Date();
    const start = new Date(now.getTime() - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
    const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${String(i).padStart(5, '0')}`);
    const signalAccounts = accountIds.slice(0, SIGNAL_ACCOUNTS);
    const signals = realisticSignals(signalAccounts, DAYS, PER_DAY, start).sort(byTime);
    const warmup = realisticSignals(['warm-0', 'warm-1'], 20, 50, start);
    const files = {
      accounts: join(dir, 'accounts.jsonl'),
      warmAccounts: join(dir, 'warm-accounts.jsonl'),
      signals: join(dir, 'signals.jsonl'),
      warmSignals: join(dir, 'warm-signals.jsonl'),
    };
    writeFileSync(files.accounts, jsonl(accountIds.map((id) => account(id))));
    const warmIds = Array.from({ length: 100 }, (_, i) => `warm-${i}`);
    writeFileSync(files.warmAccounts, jsonl(warmIds.map((id) => account(id))));
    writeFileSync(files.signals, jsonl(signals));
    writeFileSync(files.warmSignals, jsonl(warmup));

    const raw = createDb('bench-import-raw', stack.dynamoEndpoint);
    await ensureTable(raw.doc, raw.tableName);
    const receivedAt = now.toISOString();
    const expiresAt = Math.floor(now.getTime() / 1000) + 35 * 86_400;
    const items = (list: readonly SignalInput[]) =>
      list.map((s) => ({
        ...keys.signal(s.accountId, signalDay(s), s.id),
        kind: 'signal',
        [TTL_ATTRIBUTE]: expiresAt,
        ...s,
        receivedAt,
      }));
    const rawWrite = (list: Record<string, unknown>[]) =>
      mapLimit(chunk(list, 25), 16, (part) =>
        raw.doc.send(
          new BatchWriteCommand({
            RequestItems: { [raw.tableName]: part.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      );
    const cli = async (file: string) => {
      const run = await timed(() => runCli(['import', file, '--concurrency', String(CONCURRENCY)], env));
      if (run.result.code !== 0) throw new Error(`churnguard import ${file} failed:\n${run.result.out}`);
      return run.seconds;
    };

    // Warm-up, untimed: both paths once, on other accounts and other items.
    await rawWrite(items(warmup.map((s) => ({ ...s, id: `raw-${s.id}` }))));
    await cli(files.warmAccounts);
    await cli(files.warmSignals);

    const accountsSeconds = await cli(files.accounts);
    const rawRun = await timed(() => rawWrite(items(signals)));
    const signalsSeconds = await cli(files.signals);
    const stored = await countSignals(stack.db);
    if (stored !== signals.length + warmup.length)
      throw new Error(`the stack holds ${stored} signals, not ${signals.length + warmup.length}`);

    const signalsPerSec = signals.length / signalsSeconds;
    const rawPerSec = signals.length / rawRun.seconds;
    const figures = {
      bench: 'import',
      accounts: ACCOUNTS,
      accountsSeconds: round(accountsSeconds),
      accountsPerSec: Math.round(ACCOUNTS / accountsSeconds),
      signals: signals.length,
      signalAccounts: SIGNAL_ACCOUNTS,
      days: DAYS,
      signalsSeconds: round(signalsSeconds),
      signalsPerSec: Math.round(signalsPerSec),
      rawBatchWritePerSec: Math.round(rawPerSec),
      ratio: round(signalsPerSec / rawPerSec),
      concurrency: CONCURRENCY,
      machine: machine(),
    };
    process.stderr.write(
      `import: ${ACCOUNTS} accounts in ${figures.accountsSeconds}s; ${signals.length} signals at ` +
        `${figures.signalsPerSec}/s through the CLI vs ${figures.rawBatchWritePerSec}/s raw BatchWriteItem ` +
        `(ratio ${figures.ratio})\n`,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
