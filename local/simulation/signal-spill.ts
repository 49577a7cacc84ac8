import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS } from '#core/clock';
import type { SimulationInput } from './run.ts';
import type { ShardHistory } from './shards.ts';

/** Bytes a day's pending lines may take before they are written out: bounds memory to about this per open day. */
const FLUSH_BYTES = 256 * 1024;

/** The file a shard's signals of one UTC day (YYYY-MM-DD) are kept in, under a spill directory. */
export const spillFile = (dir: string, shard: number, day: string) =>
  join(dir, String(shard), `${day}.jsonl`);

/** A shard's signals of one UTC day, in the order they were spilled (what a replay thread reads, day by day). */
export function readSpilledDay(dir: string, shard: number, day: string): unknown[] {
  const file = spillFile(dir, shard, day);
  if (!existsSync(file)) return [];
  const signals: unknown[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) signals.push(JSON.parse(line));
  return signals;
}

/**
 * Signals of a replay written to disk as they are read, one JSONL file per shard and UTC day, so no heap holds a
 * whole history: a run reads back one day at a time. The directory is removed by `remove()`, or at exit.
 */
export class SignalSpill {
  readonly dir = mkdtempSync(join(tmpdir(), 'churnguard-replay-'));
  /** Signals spilled per UTC day, over all shards (to count what a window leaves out). */
  readonly perDay = new Map<string, number>();
  private readonly pending = new Map<
    string,
    { shard: number; day: string; lines: string[]; bytes: number }
  >();
  private readonly removeAtExit = () => this.remove();

  constructor(readonly shards: number) {
    for (let shard = 0; shard < shards; shard++) mkdirSync(join(this.dir, String(shard)));
    process.once('exit', this.removeAtExit);
  }

  add(shard: number, day: string, signal: unknown): void {
    const key = `${shard}/${day}`;
    let file = this.pending.get(key);
    if (!file) {
      file = { shard, day, lines: [], bytes: 0 };
      this.pending.set(key, file);
    }
    const line = JSON.stringify(signal);
    file.lines.push(line);
    file.bytes += line.length + 1;
    this.perDay.set(day, (this.perDay.get(day) ?? 0) + 1);
    if (file.bytes >= FLUSH_BYTES) this.write(key);
  }

  /** Writes every pending line out: call once everything is spilled, before reading any day. */
  flush(): void {
    for (const key of [...this.pending.keys()]) this.write(key);
  }

  read(shard: number, day: string): unknown[] {
    return readSpilledDay(this.dir, shard, day);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    process.off('exit', this.removeAtExit);
  }

  private write(key: string): void {
    const file = this.pending.get(key);
    if (!file) return;
    appendFileSync(spillFile(this.dir, file.shard, file.day), `${file.lines.join('\n')}\n`);
    this.pending.delete(key);
  }
}

/** A shard's part of an imported history as simulation input: its signals read from the spill, day by day. */
export function replayShardInput(history: ShardHistory, shard: number): SimulationInput {
  const startMs = Date.parse(`${history.start}T00:00:00Z`);
  const dayName = (day: number) => new Date(startMs + day * DAY_MS).toISOString().slice(0, 10);
  return {
    start: history.start,
    days: history.days,
    accounts: history.accounts,
    signalsForDay: (day) => readSpilledDay(history.spillDir, shard, dayName(day)),
    outcomes: history.outcomes,
    events: [],
  };
}
