import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { MAX_ACCOUNTS_PER_REQUEST, MAX_SIGNALS_PER_REQUEST, type Rejection } from '#core/ingest';
import { type ApiTarget, postJson } from '../api-client.ts';
import { Progress } from '../progress.ts';
import {
  type FileRow,
  formatOf,
  guessKind,
  headerError,
  type RecordKind,
  readCsvHeader,
  readRecords,
} from '../read-records.ts';

export interface ImportOptions {
  file: string;
  kind?: RecordKind;
  rejectsFile?: string;
  batchSize?: number;
  /** Ctrl-C: stop reading, finish the batch in flight, and report where the import stopped. */
  signal?: AbortSignal;
}

export interface ImportSummary {
  kind: RecordKind;
  /** Rows read and sent (or rejected while reading). */
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectsFile?: string;
  seconds: number;
  /** Set when the import was interrupted: every row up to this line of the file was sent. */
  stoppedAfterLine?: number;
}

/**
 * The exit codes of `churnguard import` (documented in --help and the README). A file that cannot be imported as
 * a whole (unreadable, empty, a header without the expected columns) sends nothing and exits 65 (EX_DATAERR).
 */
export const IMPORT_EXIT = {
  ok: 0,
  failed: 1,
  someRejected: 2,
  usage: 64,
  badFile: 65,
  interrupted: 130,
} as const;

/** The file cannot be imported at all; nothing was sent. */
export class ImportFileError extends Error {}

type BatchAnswer = { accepted?: number; duplicates?: number; upserted?: number; rejected: Rejection[] };

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

/** The first row of a file; an empty file (no rows; for CSV, a header alone) is an ImportFileError. */
async function firstRow(file: string): Promise<FileRow> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportFileError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  if (size === 0) throw new ImportFileError(`${file} is empty: there is nothing to import`);
  const rows = readRecords(file, 'signals');
  let first: IteratorResult<FileRow>;
  try {
    first = await rows.next();
  } catch (error) {
    throw new ImportFileError(error instanceof Error ? error.message : String(error));
  } finally {
    await rows.return(undefined);
  }
  if (first.done) {
    const csv = formatOf(file) === 'csv';
    throw new ImportFileError(
      csv && (await readCsvHeader(file))
        ? `${file} has a header and no rows: there is nothing to import`
        : `${file} holds no records: there is nothing to import`,
    );
  }
  return first.value;
}

async function detectKind(file: string, first: FileRow): Promise<RecordKind> {
  const kind = guessKind(file, 'record' in first ? first.record : undefined);
  if (!kind)
    throw new ImportFileError(
      `cannot tell whether ${file} holds accounts or signals: pass --kind accounts|signals`,
    );
  return kind;
}

/** Everything that makes a file impossible to import, found before anything is sent. */
async function checkFile(file: string, kind: RecordKind | undefined): Promise<RecordKind> {
  try {
    formatOf(file);
  } catch (error) {
    throw new ImportFileError(error instanceof Error ? error.message : String(error));
  }
  const first = await firstRow(file);
  const known = kind ?? (await detectKind(file, first));
  if (formatOf(file) === 'csv') {
    const problem = headerError(file, known, (await readCsvHeader(file)) ?? []);
    if (problem) throw new ImportFileError(`${problem}\nNothing was imported.`);
  }
  return known;
}

/**
 * Streams a file to the API in batches through the same validation and idempotency as live traffic. A file that
 * cannot be imported (empty, a wrong CSV header) fails before anything is sent (ImportFileError). A re-run after an
 * interruption only finds duplicates for what was already stored.
 */
export async function importFile(target: ApiTarget, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const kind = await checkFile(options.file, options.kind);
  const records = readRecords(options.file, kind);
  const limit = kind === 'accounts' ? MAX_ACCOUNTS_PER_REQUEST : MAX_SIGNALS_PER_REQUEST;
  const batchSize = Math.min(options.batchSize ?? limit, limit);
  const rejectsFile = options.rejectsFile ?? `${options.file}.rejects.jsonl`;
  const total = (await countLines(options.file)) - (formatOf(options.file) === 'csv' ? 1 : 0);
  const progress = new Progress(
    `importing ${kind}`,
    formatOf(options.file) === 'json' ? undefined : Math.max(total, 0),
  );
  const summary: ImportSummary = { kind, rows: 0, accepted: 0, duplicates: 0, rejected: 0, seconds: 0 };
  let rejects: WriteStream | undefined;
  const writeReject = (entry: object) => {
    rejects ??= createWriteStream(rejectsFile);
    rejects.write(`${JSON.stringify(entry)}\n`);
    summary.rejected++;
  };

  let batch: { line: number; record: unknown }[] = [];
  /** Rows read so far, and the rows (and last file line) whose batch the API has answered. */
  let read = 0;
  let sent = { rows: 0, line: 0 };
  const flush = async () => {
    if (batch.length === 0) {
      sent = { rows: read, line: sent.line };
      return;
    }
    const answer = await postJson<BatchAnswer>(target, `/v1/${kind}`, { [kind]: batch.map((b) => b.record) });
    summary.accepted += answer.accepted ?? answer.upserted ?? 0;
    summary.duplicates += answer.duplicates ?? 0;
    for (const rejection of answer.rejected) {
      const row = batch[rejection.index];
      writeReject({ line: row?.line, record: row?.record, errors: rejection.errors });
    }
    sent = { rows: read, line: batch[batch.length - 1]?.line ?? sent.line };
    batch = [];
    progress.update(
      summary.rows,
      `accepted ${summary.accepted} duplicates ${summary.duplicates} rejected ${summary.rejected}`,
    );
  };

  const handle = async (row: FileRow) => {
    read++;
    summary.rows++;
    if ('error' in row) {
      writeReject({ line: row.line, raw: row.raw, errors: [{ path: '(row)', message: row.error }] });
      return;
    }
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  };
  for await (const row of records) {
    if (options.signal?.aborted) break;
    await handle(row);
  }
  if (options.signal?.aborted) {
    // Rows read into an unsent batch were not sent: the summary counts what the API answered for.
    summary.rows = sent.rows;
    summary.stoppedAfterLine = sent.line;
  } else await flush();
  progress.finish(
    summary.rows,
    `accepted ${summary.accepted} duplicates ${summary.duplicates} rejected ${summary.rejected}`,
  );
  if (rejects) {
    const stream = rejects;
    await new Promise<void>((r) => stream.end(r));
    summary.rejectsFile = rejectsFile;
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}
