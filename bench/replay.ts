import '#local/quiet-sdk';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { defaultShards } from '#local/simulation/shards';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { simulate } from '../cli/commands/simulate.ts';
import { loadImportedHistory } from '../cli/commands/simulate-import.ts';
import { readRecords } from '../cli/read-records.ts';
import { machine, round, timed } from './support.ts';

/**
 * `simulate --from-import` over a generated history of BENCH_SIGNALS signals (default 10 million): a synthetic
 * portfolio's accounts, outcomes and signals, written as `churnguard import` leaves them, replayed through the CLI
 * command in threads (one per core). Baseline in the same run: the time to just read the same files record by
 * record. The line also shows the heap limit and the flags the process runs with: no --stack-size or
 * --max-old-space-size is raised for the replay to finish.
 *
 *   BENCH_SIGNALS (10000000), BENCH_DAYS (365), BENCH_SHARDS (default: one per core),
 *   BENCH_LOAD_ONLY (0; 1 stops after the files are read, checked and spilled to disk, before any virtual day:
 *   the part of a replay whose memory grew with the history)
 */
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
/** About what a synthetic account makes in a year (measured: 9,914 signals from 6 accounts). */
const SIGNALS_PER_ACCOUNT_YEAR = 1650;

function writeHistory(dir: string): { accounts: number; signals: number } {
  const accounts = Math.max(4, Math.ceil((SIGNALS / SIGNALS_PER_ACCOUNT_YEAR) * (365 / DAYS)));
  const input = syntheticSimulationInput(accounts, DAYS, 1);
  const jsonl = (records: readonly unknown[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
  writeFileSync(join(dir, 'accounts.jsonl'), jsonl(input.accounts));
  writeFileSync(join(dir, 'outcomes.jsonl'), jsonl(input.outcomes));
  let signals = 0;
  for (let day = 0; day < DAYS && signals < SIGNALS; day++) {
    const today = input.signalsForDay(day).slice(0, SIGNALS - signals);
    appendFileSync(join(dir, 'signals.jsonl'), jsonl(today));
    signals += today.length;
  }
  return { accounts, signals };
}

async function readOnly(dir: string): Promise<number> {
  let records = 0;
  for (const [file, kind] of [
    ['accounts.jsonl', 'accounts'],
    ['signals.jsonl', 'signals'],
    ['outcomes.jsonl', 'outcomes'],
  ] as const)
    for await (const _row of readRecords(join(dir, file), kind)) records++;
  return records;
}

const dir = mkdtempSync(join(tmpdir(), 'churnguard-bench-replay-'));
try {
  const written = writeHistory(dir);
  const read = await timed(() => readOnly(dir));
  const shards = process.env.BENCH_SHARDS ? Number(process.env.BENCH_SHARDS) : undefined;
  const loadOnly = process.env.BENCH_LOAD_ONLY === '1';
  const replay = await timed(async () => {
    if (!loadOnly)
      return (
        await simulate({ fromImport: dir, out: join(dir, 'result.json'), ...(shards ? { shards } : {}) })
      ).result.emails.length;
    const history = await loadImportedHistory({ dir, shards: shards ?? defaultShards });
    history.replay.remove();
    return 0;
  });
  console.log(
    JSON.stringify({
      bench: loadOnly ? 'replay-load' : 'replay',
      signals: written.signals,
      accounts: written.accounts,
      days: DAYS,
      seconds: round(replay.seconds, 1),
      signalsPerSecond: Math.round(written.signals / replay.seconds),
      readSeconds: round(read.seconds, 1),
      ratio: round(replay.seconds / read.seconds, 1),
      emails: replay.result,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      execArgv: process.execArgv,
      nodeOptions: process.env.NODE_OPTIONS ?? '',
      load: loadavg().map((l) => round(l, 1)),
      machine: machine(),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
