import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import { checkAccounts, checkSignals } from '#core/ingest';
import { milestoneSignalNames } from '#core/signals';
import { outcomeSchema } from '#core/simulation/scenario';
import { type FieldError, fieldErrors } from '#core/validation';
import { ScenarioError, type SimulationInput } from '#local/simulation/run';
import { accountShards } from '#local/simulation/shard-plan';
import type { ImportedReplay } from '#local/simulation/shards';
import { SignalSpill } from '#local/simulation/signal-spill';
import { formatOf, headerError, type ReplayKind, readCsvHeader, readRecords } from '../read-records.ts';

/** Tracks the earliest and latest of instants seen one by one (a loop, never Math.min(...times) over millions). */
function spanTracker() {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  return {
    see(time: number) {
      if (time < first) first = time;
      if (time > last) last = time;
    },
    span: (): { first: number; last: number } | undefined => (first <= last ? { first, last } : undefined),
  };
}

/**
 * The earliest and latest of many instants, or undefined for none. A loop, not Math.min(...times): spreading a
 * history's millions of instants as arguments overflows the call stack.
 */
export function timeSpan(times: readonly number[]): { first: number; last: number } | undefined {
  const tracker = spanTracker();
  for (const time of times) tracker.see(time);
  return tracker.span();
}

export interface FromImportOptions {
  dir: string;
  /** First virtual day (YYYY-MM-DD); default: the day of the earliest signal or outcome. */
  start?: string;
  /** Days to run; default: through the day of the latest signal or outcome. */
  days?: number;
  /** The config the run uses: `milestone` signals are checked against its journey baseline. */
  config?: Config;
  /** Leave out records that do not validate (counted and listed in `skipped`) instead of refusing the directory. */
  skipInvalid?: boolean;
  /**
   * Threads the replay will run in, or how many for a number of valid accounts: signals are spilled per shard, so
   * each reads only its own accounts'. Default 1.
   */
  shards?: number | ((accounts: number) => number);
}

export interface ImportedHistory {
  input: SimulationInput;
  /** The files read, with what each held. */
  files: { file: string; kind: ReplayKind; records: number }[];
  /** Signals and outcomes outside the window given with --start/--days, left out of the run. */
  outsideWindow: number;
  /** With `skipInvalid`: each record left out, with its file, line and reasons. */
  skipped: FieldError[];
  /** Where the signals wait on disk, one file per shard and day, and how accounts map to shards. */
  replay: ImportedReplay;
}

/** What a file holds, from its name as `churnguard import` names them: outcomes, accounts, signals/events. */
export function replayKindOf(name: string): ReplayKind | undefined {
  const lower = name.toLowerCase();
  if (lower.includes('outcome') || lower.includes('renewal')) return 'outcomes';
  if (lower.includes('account')) return 'accounts';
  if (lower.includes('signal') || lower.includes('event')) return 'signals';
  return undefined;
}

const isImportFile = (name: string) => {
  try {
    formatOf(name);
    return !name.toLowerCase().includes('.rejects.');
  } catch {
    return false;
  }
};

function listFiles(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    return readdirSync(dir).filter(isImportFile).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot read import directory ${dir}: ${code === 'ENOENT' ? 'no such directory' : (error as Error).message}`,
    );
  }
}

/** A record of a file: its value and where it came from, to name it in errors (`accounts.csv line 4`). */
interface Located {
  value: unknown;
  file: string;
  line: number;
}

const where = (r: Pick<Located, 'file' | 'line'>) => `${r.file} line ${r.line}`;
const problem = (r: Located, errors: FieldError[]): FieldError => ({
  path: where(r),
  message: errors.map((e) => (e.path === '(row)' ? e.message : `${e.path}: ${e.message}`)).join('; '),
});

const record = (value: unknown) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Replays imported history: the accounts, signals and outcomes files of a directory, in the formats
 * `churnguard import` reads (CSV, JSONL, JSON; see cli/read-records.ts), as a simulation input. `renewal_outcome`
 * signals count as outcomes. The window runs from the earliest to the latest dated record unless given.
 *
 * Every file is read and every record validated before anything runs, and every problem is reported at once, each
 * naming its file and line: unreadable rows, CSV headers without the expected columns (one error per file),
 * accounts, signals and outcomes that do not validate (as the API would refuse them), and records naming an account
 * no accounts file holds. With `skipInvalid`, bad records are left out and listed instead; problems with the
 * directory or a whole file (names, headers, no accounts file) always refuse it.
 */
export async function loadImportedHistory(options: FromImportOptions): Promise<ImportedHistory> {
  const config = options.config ?? defaultConfig;
  const names = listFiles(options.dir);
  /** Problems with the directory or a whole file: never skipped. */
  const fatal: FieldError[] = [];
  /** Problems with one record: refused together, or skipped with `skipInvalid`. */
  const invalid: FieldError[] = [];
  /** Kinds with a file that could not be read at all: what depends on them is not judged (no cascades). */
  const unreadable = new Set<ReplayKind>();
  const files: ImportedHistory['files'] = [];

  /** Reads one file row by row, handing each record on; a file it cannot place or read is a fatal problem. */
  const readFile = async (name: string, onRecord: (r: Located) => void) => {
    const kind = replayKindOf(name);
    if (!kind) {
      fatal.push({
        path: name,
        message: 'cannot tell what it holds: name files after accounts, signals (or events) and outcomes',
      });
      return;
    }
    const path = join(options.dir, name);
    if (formatOf(name) === 'csv') {
      const wrong = headerError(name, kind, (await readCsvHeader(path)) ?? []);
      if (wrong) {
        fatal.push({ path: name, message: wrong.slice(wrong.indexOf(': ') + 2) });
        unreadable.add(kind);
        return;
      }
    }
    let records = 0;
    try {
      for await (const row of readRecords(path, kind)) {
        if ('error' in row) invalid.push({ path: where({ file: name, line: row.line }), message: row.error });
        else {
          onRecord({ value: row.record, file: name, line: row.line });
          records++;
        }
      }
    } catch (error) {
      fatal.push({ path: name, message: error instanceof Error ? error.message : String(error) });
      unreadable.add(kind);
    }
    files.push({ file: name, kind, records });
  };

  // Accounts first (they are few, and held): signals and outcomes are judged against them as they stream by.
  const isAccounts = (name: string) => replayKindOf(name) === 'accounts';
  const foundAccounts: Located[] = [];
  for (const name of names.filter(isAccounts)) await readFile(name, (r) => foundAccounts.push(r));
  if (!names.some(isAccounts)) fatal.push({ path: options.dir, message: 'holds no accounts file' });

  // Accounts, as POST /v1/accounts checks them (one batch: an id repeated across files is refused too).
  const checkedAccounts = checkAccounts(foundAccounts.map((r) => r.value));
  const badAccounts = new Set(checkedAccounts.rejected.map((r) => r.index));
  for (const r of checkedAccounts.rejected) {
    const located = foundAccounts[r.index];
    if (located) invalid.push(problem(located, r.errors));
  }
  const accounts = foundAccounts.filter((_, index) => !badAccounts.has(index)).map((r) => r.value);
  const shards = Math.max(
    1,
    typeof options.shards === 'function'
      ? options.shards(checkedAccounts.valid.length)
      : (options.shards ?? 1),
  );
  const shardOf = accountShards(
    checkedAccounts.valid.map((v) => v.account),
    shards,
  );
  const refused = new Map(
    checkedAccounts.rejected.flatMap((r) => {
      const id = r.id ?? record(foundAccounts[r.index]?.value).id;
      const located = foundAccounts[r.index];
      return typeof id === 'string' && located ? [[id, where(located)] as const] : [];
    }),
  );
  const unknownAccount = (r: Located, id: unknown): boolean => {
    if (typeof id !== 'string' || shardOf.has(id) || unreadable.has('accounts')) return false;
    const message = refused.has(id)
      ? `names account "${id}", whose record (${refused.get(id)}) is invalid`
      : `names account "${id}", which no accounts file holds`;
    invalid.push(problem(r, [{ path: 'accountId', message }]));
    return true;
  };

  // Signals, as POST /v1/signals checks them (the future is the run's, so no date is "in the future" here), each
  // spilled to its shard's file of its day as it is read: no heap holds the history.
  const spill = new SignalSpill(shards);
  const milestoneNames = milestoneSignalNames(config.journeyBaseline);
  const farFuture = new Date(8.64e15);
  const times = spanTracker();
  const fileOutcomes: Located[] = [];
  const signalOutcomes: Located[] = [];
  const onSignal = (r: Located) => {
    const checked = checkSignals([r.value], farFuture, { milestoneNames });
    const rejection = checked.rejected[0];
    if (rejection) {
      invalid.push(problem(r, rejection.errors));
      return;
    }
    const signal = record(r.value);
    if (unknownAccount(r, signal.accountId)) return;
    // renewal_outcome signals are outcomes: the run feeds outcomes in as such signals itself.
    if (signal.type === 'renewal_outcome') {
      signalOutcomes.push({
        ...r,
        value: {
          accountId: signal.accountId,
          outcome: record(signal.attributes).outcome,
          at: signal.occurredAt,
        },
      });
      return;
    }
    const time = Date.parse(String(signal.occurredAt));
    times.see(time);
    spill.add(shardOf.get(String(signal.accountId)) ?? 0, dayOf(time), r.value);
  };
  for (const name of names.filter((n) => !isAccounts(n)))
    await readFile(name, (r) => {
      if (replayKindOf(r.file) === 'outcomes') fileOutcomes.push(r);
      else onSignal(r);
    });
  spill.flush();
  files.sort((a, b) => names.indexOf(a.file) - names.indexOf(b.file));

  const validOutcomes = [...fileOutcomes, ...signalOutcomes].flatMap((r) => {
    const parsed = outcomeSchema.safeParse(r.value);
    if (!parsed.success) {
      invalid.push(problem(r, fieldErrors(parsed.error)));
      return [];
    }
    return unknownAccount(r, parsed.data.accountId) ? [] : [parsed.data];
  });
  for (const outcome of validOutcomes) times.see(Date.parse(outcome.at));

  const span = times.span();
  const start = options.start ?? (span ? dayOf(span.first) : undefined);
  if (!start)
    fatal.push({ path: '--start', message: 'is needed: no valid signal or outcome carries a date' });
  const byPlace = (a: FieldError, b: FieldError) => a.path.localeCompare(b.path, 'en', { numeric: true });
  if (fatal.length > 0 || (invalid.length > 0 && !options.skipInvalid)) {
    spill.remove();
    throw new ScenarioError(
      [...fatal.sort(byPlace), ...invalid.sort(byPlace)],
      `the import directory ${options.dir}`,
    );
  }

  const startMs = Date.parse(`${start}T00:00:00Z`);
  const days = options.days ?? Math.floor(((span?.last ?? startMs) - startMs) / DAY_MS) + 1;
  const inWindow = (time: number) => time >= startMs && time < startMs + days * DAY_MS;
  let outsideWindow = 0;
  for (const [day, count] of spill.perDay)
    if (!inWindow(Date.parse(`${day}T00:00:00Z`))) outsideWindow += count;
  const keptOutcomes = validOutcomes.filter((o) => inWindow(Date.parse(o.at)));
  outsideWindow += validOutcomes.length - keptOutcomes.length;
  const dayName = (day: number) => dayOf(startMs + day * DAY_MS);
  const input: SimulationInput = {
    start: start ?? '',
    days,
    accounts,
    signalsForDay: (day) =>
      Array.from({ length: shards }, (_, shard) => spill.read(shard, dayName(day))).flat(),
    outcomes: keptOutcomes,
    events: [],
  };
  return {
    input,
    files,
    outsideWindow,
    skipped: invalid.sort(byPlace),
    replay: { spillDir: spill.dir, shards, shardOf, remove: () => spill.remove() },
  };
}
