import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { accountSchema } from '#core/accounts';
import {
  ACCOUNT_CSV_RULES,
  type CsvColumns,
  csvColumns,
  headerProblem,
  SIGNAL_CSV_RULES,
  unflatten,
} from '#core/flat-record';
import { signalSchema } from '#core/signals';
import { outcomeSchema } from '#core/simulation/scenario';

export type RecordKind = 'accounts' | 'signals';
/** What `simulate --from-import` also reads: renewal outcomes (`accountId`, `outcome`, `at`). */
export type ReplayKind = RecordKind | 'outcomes';
export type FileFormat = 'csv' | 'jsonl' | 'json';

/** One row of an import file: a record to send, or the reason the row could not even be read. */
export type FileRow = { line: number; record: unknown } | { line: number; raw: string; error: string };

export function formatOf(path: string): FileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  throw new Error(`cannot tell the format of ${path}: use a .csv, .jsonl/.ndjson or .json file`);
}

/** Outcome rows are flat: `accountId,outcome,at`. */
const OUTCOME_CSV_RULES = { numeric: new Set<string>(), json: new Set<string>() };

async function* jsonLines(path: string): AsyncGenerator<FileRow> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, record: JSON.parse(text) };
    } catch (error) {
      yield { line, raw: text, error: `not valid JSON: ${(error as Error).message}` };
    }
  }
}

async function* jsonDocument(path: string, kind: ReplayKind): AsyncGenerator<FileRow> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as Record<string, unknown> | null)?.[kind];
  if (!Array.isArray(list))
    throw new Error(`${path} must hold a JSON array or an object with a "${kind}" array`);
  let index = 0;
  for (const record of list) yield { line: ++index, record };
}

/** How every CSV the CLI reads is parsed: a header row, trimmed cells, a BOM allowed, each record with its line. */
export const CSV_RECORD_OPTIONS = {
  columns: true,
  skip_empty_lines: true,
  trim: true,
  bom: true,
  relax_column_count: true,
  info: true,
} as const;

async function* csvRows(path: string, kind: ReplayKind): AsyncGenerator<FileRow> {
  const parser = createReadStream(path).pipe(parse(CSV_RECORD_OPTIONS));
  const rules =
    kind === 'accounts' ? ACCOUNT_CSV_RULES : kind === 'signals' ? SIGNAL_CSV_RULES : OUTCOME_CSV_RULES;
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; invalid_field_length: number };
  }>) {
    yield { line: info.lines, record: unflatten(record, rules) };
  }
}

/** The CSV columns of each kind, from the schemas that validate the records (so they cannot drift apart). */
export const CSV_COLUMNS: Record<ReplayKind, CsvColumns> = {
  accounts: csvColumns(accountSchema, ACCOUNT_CSV_RULES),
  signals: csvColumns(signalSchema, SIGNAL_CSV_RULES),
  outcomes: csvColumns(outcomeSchema, OUTCOME_CSV_RULES),
};

/** One error for a header that does not fit, naming every column expected, instead of one rejection per row. */
export function headerError(file: string, kind: ReplayKind, header: readonly string[]): string | undefined {
  const columns = CSV_COLUMNS[kind];
  const problem = headerProblem(header, columns);
  if (!problem) return undefined;
  const unknown = problem.unknown.map((u) => (u.meant ? `${u.column} (did you mean ${u.meant}?)` : u.column));
  const optional = [...columns.optional, ...columns.open.map((open) => `${open}<name>`)];
  return [
    `${file}: the header does not have the columns of ${kind}`,
    ...(problem.missing.length ? [`  missing:  ${problem.missing.join(', ')}`] : []),
    ...(unknown.length ? [`  unknown:  ${unknown.join(', ')}`] : []),
    `  expected: ${columns.required.join(',')}`,
    ...(optional.length ? [`  optional: ${optional.join(', ')}`] : []),
  ].join('\n');
}

/** A CSV file's header (its first record), trimmed as rows are read; undefined for a file with no line at all. */
export async function readCsvHeader(path: string): Promise<string[] | undefined> {
  const parser = createReadStream(path).pipe(
    parse({ trim: true, bom: true, skip_empty_lines: true, relax_column_count: true }),
  );
  for await (const record of parser as AsyncIterable<string[]>) return record;
  return undefined;
}

export function readRecords(path: string, kind: ReplayKind): AsyncGenerator<FileRow> {
  const format = formatOf(path);
  if (format === 'csv') return csvRows(path, kind);
  if (format === 'jsonl') return jsonLines(path);
  return jsonDocument(path, kind);
}

/** accounts or signals, from --kind, else the file name, else the first record's fields. */
export function guessKind(path: string, first: unknown): RecordKind | undefined {
  const name = path.toLowerCase();
  if (name.includes('account')) return 'accounts';
  if (name.includes('signal') || name.includes('event')) return 'signals';
  if (typeof first === 'object' && first !== null) {
    if ('goLiveDate' in first || 'contract' in first) return 'accounts';
    if ('occurredAt' in first && 'type' in first) return 'signals';
  }
  return undefined;
}
