import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioSchema } from '#core/simulation/scenario';
import { type FieldError, fieldErrors } from '#core/validation';
import { ScenarioError, type SimulationInput, scenarioInput } from '#local/simulation/run';
import { formatOf, type ReplayKind, readRecords } from '../read-records.ts';

const DAY_MS = 86_400_000;

export interface FromImportOptions {
  dir: string;
  /** First virtual day (YYYY-MM-DD); default: the day of the earliest signal or outcome. */
  start?: string;
  /** Days to run; default: through the day of the latest signal or outcome. */
  days?: number;
}

export interface ImportedHistory {
  input: SimulationInput;
  /** The files read, with what each held. */
  files: { file: string; kind: ReplayKind; records: number }[];
  /** Signals and outcomes outside the window given with --start/--days, left out of the run. */
  outsideWindow: number;
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

/** Where a record came from, to name it in errors: `accounts.csv line 4`. */
interface Source {
  file: string;
  line: number;
}

const record = (value: unknown) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** A date alone (`2026-06-01`) as midnight UTC, the form outcome files often use. */
const instant = (value: unknown) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;

const dayOf = (at: string) => new Date(Date.parse(at)).toISOString().slice(0, 10);

/**
 * Replays imported history: the accounts, signals and outcomes files of a directory, in the formats
 * `churnguard import` reads (CSV, JSONL, JSON; see cli/read-records.ts), as a simulation input. `renewal_outcome`
 * signals count as outcomes. The window runs from the earliest to the latest dated record unless given. Problems
 * are reported together, each naming its file and line.
 */
export async function loadImportedHistory(options: FromImportOptions): Promise<ImportedHistory> {
  const names = listFiles(options.dir);
  const unknown = names.filter((name) => !replayKindOf(name));
  if (unknown.length > 0) {
    throw new Error(
      `cannot tell what ${unknown.join(', ')} in ${options.dir} hold${unknown.length === 1 ? 's' : ''}: ` +
        'name files after accounts, signals (or events) and outcomes',
    );
  }
  const found: Record<ReplayKind, { value: unknown; source: Source }[]> = {
    accounts: [],
    signals: [],
    outcomes: [],
  };
  const errors: FieldError[] = [];
  const files: ImportedHistory['files'] = [];
  for (const name of names) {
    const kind = replayKindOf(name) as ReplayKind;
    let records = 0;
    for await (const row of readRecords(join(options.dir, name), kind)) {
      if ('error' in row) errors.push({ path: `${name} line ${row.line}`, message: row.error });
      else {
        found[kind].push({ value: row.record, source: { file: name, line: row.line } });
        records++;
      }
    }
    files.push({ file: name, kind, records });
  }
  if (found.accounts.length === 0) errors.push({ path: options.dir, message: 'holds no accounts file' });

  // renewal_outcome signals are outcomes: the run feeds outcomes in as such signals itself.
  const signals = found.signals.filter(({ value, source }) => {
    const signal = record(value);
    if (signal.type !== 'renewal_outcome') return true;
    found.outcomes.push({
      value: {
        accountId: signal.accountId,
        outcome: record(signal.attributes).outcome,
        at: signal.occurredAt,
      },
      source,
    });
    return false;
  });
  const outcomes = found.outcomes.map(({ value, source }) => ({
    value: { ...record(value), at: instant(record(value).at) },
    source,
  }));

  const dated = [
    ...signals.map(({ value }) => record(value).occurredAt),
    ...outcomes.map(({ value }) => value.at),
  ].filter((at): at is string => typeof at === 'string' && !Number.isNaN(Date.parse(at)));
  const times = dated.map((at) => Date.parse(at));
  const start =
    options.start ?? (times.length ? dayOf(new Date(Math.min(...times)).toISOString()) : undefined);
  if (!start) errors.push({ path: '--start', message: 'is needed: no signal or outcome carries a date' });
  const last = times.length ? Math.max(...times) : undefined;
  const startMs = Date.parse(`${start}T00:00:00Z`);
  const days = options.days ?? (last !== undefined && start ? Math.floor((last - startMs) / DAY_MS) + 1 : 1);
  if (errors.length) throw new ScenarioError(errors);

  const inWindow = (at: unknown) => {
    const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    return Number.isNaN(time) || (time >= startMs && time < startMs + days * DAY_MS);
  };
  const keptSignals = signals.filter(({ value }) => inWindow(record(value).occurredAt));
  const keptOutcomes = outcomes.filter(({ value }) => inWindow(value.at));
  const sources: Record<string, Source[]> = {
    accounts: found.accounts.map((r) => r.source),
    signals: keptSignals.map((r) => r.source),
    outcomes: keptOutcomes.map((r) => r.source),
  };
  const where = (error: FieldError): FieldError => {
    const match = error.path.match(/^(accounts|signals|outcomes)\[(\d+)\]\.?(.*)$/);
    const source = match ? sources[match[1] as string]?.[Number(match[2])] : undefined;
    if (!match || !source) return error;
    return {
      path: `${source.file} line ${source.line}${match[3] ? `: ${match[3]}` : ''}`,
      message: error.message,
    };
  };

  const scenario = {
    start,
    days,
    accounts: found.accounts.map((r) => r.value),
    signals: keptSignals.map((r) => r.value),
    acks: [],
    outcomes: keptOutcomes.map((r) => r.value),
  };
  const parsed = scenarioSchema.safeParse(scenario);
  if (!parsed.success) throw new ScenarioError(fieldErrors(parsed.error).map(where));
  let input: SimulationInput;
  try {
    input = scenarioInput(parsed.data);
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError(error.errors.map(where));
    throw error;
  }
  return {
    input,
    files,
    outsideWindow: signals.length - keptSignals.length + outcomes.length - keptOutcomes.length,
  };
}
