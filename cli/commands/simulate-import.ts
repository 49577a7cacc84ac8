import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { checkAccounts, checkSignals } from '#core/ingest';
import { milestoneSignalNames } from '#core/signals';
import { outcomeSchema } from '#core/simulation/scenario';
import { type FieldError, fieldErrors } from '#core/validation';
import { ScenarioError, type SimulationInput, scenarioInput } from '#local/simulation/run';
import { formatOf, headerError, type ReplayKind, readCsvHeader, readRecords } from '../read-records.ts';

const DAY_MS = 86_400_000;

/**
 * The earliest and latest of many instants, or undefined for none. A loop, not Math.min(...times): spreading a
 * history's millions of instants as arguments overflows the call stack.
 */
export function timeSpan(times: readonly number[]): { first: number; last: number } | undefined {
  if (times.length === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return { first, last };
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
}

export interface ImportedHistory {
  input: SimulationInput;
  /** The files read, with what each held. */
  files: { file: string; kind: ReplayKind; records: number }[];
  /** Signals and outcomes outside the window given with --start/--days, left out of the run. */
  outsideWindow: number;
  /** With `skipInvalid`: each record left out, with its file, line and reasons. */
  skipped: FieldError[];
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

const dayOf = (at: string) => new Date(Date.parse(at)).toISOString().slice(0, 10);

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
  const found: Record<ReplayKind, Located[]> = { accounts: [], signals: [], outcomes: [] };
  /** Kinds with a file that could not be read at all: what depends on them is not judged (no cascades). */
  const unreadable = new Set<ReplayKind>();
  const files: ImportedHistory['files'] = [];
  for (const name of names) {
    const kind = replayKindOf(name);
    if (!kind) {
      fatal.push({
        path: name,
        message: 'cannot tell what it holds: name files after accounts, signals (or events) and outcomes',
      });
      continue;
    }
    const path = join(options.dir, name);
    if (formatOf(name) === 'csv') {
      const wrong = headerError(name, kind, (await readCsvHeader(path)) ?? []);
      if (wrong) {
        fatal.push({ path: name, message: wrong.slice(wrong.indexOf(': ') + 2) });
        unreadable.add(kind);
        continue;
      }
    }
    let records = 0;
    try {
      for await (const row of readRecords(path, kind)) {
        if ('error' in row) invalid.push({ path: where({ file: name, line: row.line }), message: row.error });
        else {
          found[kind].push({ value: row.record, file: name, line: row.line });
          records++;
        }
      }
    } catch (error) {
      fatal.push({ path: name, message: error instanceof Error ? error.message : String(error) });
      unreadable.add(kind);
    }
    files.push({ file: name, kind, records });
  }
  if (!names.some((name) => replayKindOf(name) === 'accounts'))
    fatal.push({ path: options.dir, message: 'holds no accounts file' });

  // Accounts, as POST /v1/accounts checks them (one batch: an id repeated across files is refused too).
  const checkedAccounts = checkAccounts(found.accounts.map((r) => r.value));
  const badAccounts = new Set(checkedAccounts.rejected.map((r) => r.index));
  for (const r of checkedAccounts.rejected) {
    const located = found.accounts[r.index];
    if (located) invalid.push(problem(located, r.errors));
  }
  const accounts = found.accounts.filter((_, index) => !badAccounts.has(index));
  const known = new Set(checkedAccounts.valid.map((v) => v.account.id));
  const refused = new Map(
    checkedAccounts.rejected.flatMap((r) => {
      const id = r.id ?? record(found.accounts[r.index]?.value).id;
      const located = found.accounts[r.index];
      return typeof id === 'string' && located ? [[id, where(located)] as const] : [];
    }),
  );
  const unknownAccount = (r: Located, id: unknown): boolean => {
    if (typeof id !== 'string' || known.has(id) || unreadable.has('accounts')) return false;
    const message = refused.has(id)
      ? `names account "${id}", whose record (${refused.get(id)}) is invalid`
      : `names account "${id}", which no accounts file holds`;
    invalid.push(problem(r, [{ path: 'accountId', message }]));
    return true;
  };

  // Signals, as POST /v1/signals checks them (the future is the run's, so no date is "in the future" here).
  const checkedSignals = checkSignals(
    found.signals.map((r) => r.value),
    new Date(8.64e15),
    { milestoneNames: milestoneSignalNames(config.journeyBaseline) },
  );
  const badSignals = new Set(checkedSignals.rejected.map((r) => r.index));
  for (const r of checkedSignals.rejected) {
    const located = found.signals[r.index];
    if (located) invalid.push(problem(located, r.errors));
  }
  const signals: Located[] = [];
  const outcomes: Located[] = [...found.outcomes];
  found.signals.forEach((r, index) => {
    if (badSignals.has(index)) return;
    const signal = record(r.value);
    if (unknownAccount(r, signal.accountId)) return;
    // renewal_outcome signals are outcomes: the run feeds outcomes in as such signals itself.
    if (signal.type === 'renewal_outcome')
      outcomes.push({
        ...r,
        value: {
          accountId: signal.accountId,
          outcome: record(signal.attributes).outcome,
          at: signal.occurredAt,
        },
      });
    else signals.push(r);
  });
  const validOutcomes = outcomes.flatMap((r) => {
    const parsed = outcomeSchema.safeParse(r.value);
    if (!parsed.success) {
      invalid.push(problem(r, fieldErrors(parsed.error)));
      return [];
    }
    return unknownAccount(r, parsed.data.accountId) ? [] : [{ ...r, value: parsed.data }];
  });

  const span = timeSpan([
    ...signals.map((r) => Date.parse(String(record(r.value).occurredAt))),
    ...validOutcomes.map((r) => Date.parse(r.value.at)),
  ]);
  const start = options.start ?? (span ? dayOf(new Date(span.first).toISOString()) : undefined);
  if (!start)
    fatal.push({ path: '--start', message: 'is needed: no valid signal or outcome carries a date' });
  const byPlace = (a: FieldError, b: FieldError) => a.path.localeCompare(b.path, 'en', { numeric: true });
  if (fatal.length > 0 || (invalid.length > 0 && !options.skipInvalid))
    throw new ScenarioError(
      [...fatal.sort(byPlace), ...invalid.sort(byPlace)],
      `the import directory ${options.dir}`,
    );

  const startMs = Date.parse(`${start}T00:00:00Z`);
  const last = span?.last ?? startMs;
  const days = options.days ?? Math.floor((last - startMs) / DAY_MS) + 1;
  const inWindow = (time: number) => time >= startMs && time < startMs + days * DAY_MS;
  const keptSignals = signals.filter((r) => inWindow(Date.parse(String(record(r.value).occurredAt))));
  const keptOutcomes = validOutcomes.filter((r) => inWindow(Date.parse(r.value.at)));
  const input = scenarioInput({
    start: start ?? '',
    days,
    accounts: accounts.map((r) => r.value),
    signals: keptSignals.map((r) => r.value),
    acks: [],
    resolutions: [],
    rootCauses: [],
    accountUpdates: [],
    contactEvents: [],
    outcomes: keptOutcomes.map((r) => r.value),
  });
  return {
    input,
    files,
    outsideWindow: signals.length - keptSignals.length + validOutcomes.length - keptOutcomes.length,
    skipped: invalid.sort(byPlace),
  };
}
