import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import * as z from 'zod';
import { MAX_ACCOUNTS_PER_REQUEST, MAX_SIGNALS_PER_REQUEST } from '#core/ingest';
import { fnv1a } from '#core/text';
import { type ApiTarget, errorAnswer, postOnce, type RawAnswer, UnreachableError } from '../api-client.ts';
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
  /** Requests in flight at most (default 4); fewer while the API throttles. */
  concurrency?: number;
  /** Ctrl-C: stop reading, let the requests in flight finish, and report where the import stopped. */
  signal?: AbortSignal;
}

export interface ImportSummary {
  kind: RecordKind;
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

const batchAnswer = z.object({
  accepted: z.number().optional(),
  upserted: z.number().optional(),
  duplicates: z.number().optional(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
});

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

export const DEFAULT_CONCURRENCY = 4;
/** Tries of one request while the API throttles (429/503), with the whole import slowing down meanwhile. */
const THROTTLED_TRIES = 12;
/** Tries of one request on a server error (500/502/504) before the batch is split to find the row behind it. */
const SERVER_ERROR_TRIES = 4;
const NETWORK_TRIES = 6;
/** Rows in a row that fail with a server error alone before the import stops: the API is down, not the row. */
const FAILING_ROWS_TO_STOP = 5;
const THROTTLED = new Set([429, 503]);
const SERVER_ERROR = new Set([500, 502, 504]);

const backoff = (attempt: number) => Math.min(8000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Requests in flight, adapted to the API's answers (additive increase, multiplicative decrease): a throttled
 * answer halves the number allowed and pauses every request for the back-off (or the API's Retry-After); each
 * run of successes as long as the allowance raises it by one again, up to the maximum.
 */
class Pacer {
  private allowed: number;
  private active = 0;
  private successes = 0;
  private resumeAt = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    this.allowed = max;
  }

  async acquire(): Promise<void> {
    while (this.active >= this.allowed) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    const pause = this.resumeAt - Date.now();
    if (pause > 0) await sleep(pause);
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  throttled(attempt: number, retryAfterMs?: number): void {
    this.allowed = Math.max(1, Math.floor(this.allowed / 2));
    this.successes = 0;
    this.resumeAt = Math.max(this.resumeAt, Date.now() + (retryAfterMs ?? backoff(attempt)));
  }

  succeeded(): void {
    if (this.allowed >= this.max || ++this.successes < this.allowed) return;
    this.allowed++;
    this.successes = 0;
    this.waiting.shift()?.();
  }
}

type Row = { line: number; record: unknown };

/** Lanes keep one account's rows in one request at a time: requests in flight never write the same account. */
function laneOf(record: unknown, lanes: number): number {
  const key =
    typeof record === 'object' && record !== null
      ? ((record as Record<string, unknown>).accountId ?? (record as Record<string, unknown>).id)
      : undefined;
  return typeof key === 'string' ? fnv1a(key) % lanes : 0;
}

/**
 * Streams a file to the API in batches through the same validation and idempotency as live traffic, several
 * requests in flight (one per lane of accounts), slowing down while the API throttles. A row the API refuses is
 * written to the rejects file with the API's reasons: a refused batch (400, 413) or one that keeps failing is
 * split until the rows behind it are found. A file that cannot be imported (empty, a wrong CSV header) fails
 * before anything is sent (ImportFileError). A re-run after an interruption only finds duplicates for what was
 * already stored.
 */
export async function importFile(target: ApiTarget, options: ImportOptions): Promise<ImportSummary> {
  const kind = await checkFile(options.file, options.kind);
  const total = (await countLines(options.file)) - (formatOf(options.file) === 'csv' ? 1 : 0);
  return importRows(target, {
    ...options,
    kind,
    rows: readRecords(options.file, kind),
    total: formatOf(options.file) === 'json' ? undefined : Math.max(total, 0),
    rejectsFile: options.rejectsFile ?? `${options.file}.rejects.jsonl`,
  });
}

export interface ImportRowsOptions extends Omit<ImportOptions, 'file' | 'kind'> {
  kind: RecordKind;
  rows: AsyncIterable<FileRow> | Iterable<FileRow>;
  /** Rows expected, for the progress line; undefined when unknown. */
  total?: number;
  rejectsFile: string;
  /** Rejections found before sending (a CRM export's rows that make no account), written to the rejects first. */
  rejectedBefore?: readonly object[];
}

/**
 * Sends records (read from a file, or made from a CRM export by `churnguard sync`) to the API in batches, as
 * importFile describes: lanes of accounts, pacing, splitting refused batches, rejects with reasons, Ctrl-C.
 */
export async function importRows(target: ApiTarget, options: ImportRowsOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { kind, rows: records, rejectsFile } = options;
  const limit = kind === 'accounts' ? MAX_ACCOUNTS_PER_REQUEST : MAX_SIGNALS_PER_REQUEST;
  const batchSize = Math.min(options.batchSize ?? limit, limit);
  const lanes = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const progress = new Progress(`importing ${kind}`, options.total);
  const summary: ImportSummary = { kind, rows: 0, accepted: 0, duplicates: 0, rejected: 0, seconds: 0 };
  let rejects: WriteStream | undefined;
  const writeReject = (entry: object) => {
    rejects ??= createWriteStream(rejectsFile);
    rejects.write(`${JSON.stringify(entry)}\n`);
    summary.rejected++;
  };
  const report = () =>
    progress.update(
      summary.rows,
      `accepted ${summary.accepted} duplicates ${summary.duplicates} rejected ${summary.rejected}`,
    );
  for (const entry of options.rejectedBefore ?? []) writeReject(entry);

  const pacer = new Pacer(lanes);
  let failingRows = 0;
  const path = `/v1/${kind}`;

  /**
   * Sends rows until the API has answered for each of them: stored, duplicate or refused with reasons. The halves
   * of a batch that failed are tried once each before being split again; a single row gets every try.
   */
  async function deliver(rows: Row[], split = false): Promise<void> {
    const serverErrorTries = split && rows.length > 1 ? 1 : SERVER_ERROR_TRIES;
    for (let attempt = 0; ; attempt++) {
      await pacer.acquire();
      let answer: RawAnswer;
      try {
        answer = await postOnce(target, path, JSON.stringify({ [kind]: rows.map((r) => r.record) }));
      } catch (error) {
        if (!(error instanceof UnreachableError)) throw error;
        if (attempt + 1 >= NETWORK_TRIES)
          throw new Error(`${error.message} after ${NETWORK_TRIES} attempts; is the API running?`);
        await sleep(backoff(attempt));
        continue;
      } finally {
        pacer.release();
      }
      if (answer.status >= 200 && answer.status < 300) {
        pacer.succeeded();
        failingRows = 0;
        counted(rows, answer);
        return;
      }
      if (THROTTLED.has(answer.status) && attempt + 1 < THROTTLED_TRIES) {
        pacer.throttled(attempt, answer.retryAfterMs);
        continue;
      }
      const failing = SERVER_ERROR.has(answer.status) || THROTTLED.has(answer.status);
      if (SERVER_ERROR.has(answer.status) && attempt + 1 < serverErrorTries) {
        await sleep(backoff(attempt));
        continue;
      }
      if (rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        await Promise.all([deliver(rows.slice(0, half), true), deliver(rows.slice(half), true)]);
        return;
      }
      const { message, errors } = errorAnswer(answer);
      if (failing && ++failingRows >= FAILING_ROWS_TO_STOP)
        throw new Error(
          `the API keeps answering ${answer.status} (${message}): ${failingRows} rows in a row failed alone; is it healthy?`,
        );
      const [row] = rows;
      writeReject({
        line: row?.line,
        record: row?.record,
        errors: errors.length > 0 ? errors : [{ path: '(request)', message: `${answer.status}: ${message}` }],
      });
      report();
      return;
    }
  }

  function counted(rows: Row[], answer: RawAnswer): void {
    let body: z.infer<typeof batchAnswer>;
    try {
      body = batchAnswer.parse(JSON.parse(answer.text));
    } catch {
      throw new Error(
        `POST ${path} answered ${answer.status} with an unexpected body: ${answer.text.slice(0, 200)}`,
      );
    }
    summary.accepted += body.accepted ?? body.upserted ?? 0;
    summary.duplicates += body.duplicates ?? 0;
    for (const rejection of body.rejected) {
      const row = rows[rejection.index];
      writeReject({ line: row?.line, record: row?.record, errors: rejection.errors });
    }
    report();
  }

  let failure: { error: unknown } | undefined;
  const buffers: Row[][] = Array.from({ length: lanes }, () => []);
  const sending: Promise<void>[] = Array.from({ length: lanes }, () => Promise.resolve());
  /** Each lane sends its batches one after another, so a lane never has two requests in flight. */
  const flush = async (lane: number) => {
    const rows = buffers[lane] as Row[];
    if (rows.length === 0) return;
    buffers[lane] = [];
    await (sending[lane] as Promise<void>);
    const delivery = deliver(rows);
    // Seen at once, so the reading loop stops on the first failure rather than Node on an unhandled rejection.
    delivery.catch((error: unknown) => {
      failure ??= { error };
    });
    sending[lane] = delivery;
  };

  let lastLine = 0;
  for await (const row of records) {
    if (failure) throw failure.error;
    if (options.signal?.aborted) break;
    lastLine = row.line;
    summary.rows++;
    if ('error' in row) {
      writeReject({ line: row.line, raw: row.raw, errors: [{ path: '(row)', message: row.error }] });
      continue;
    }
    const lane = laneOf(row.record, lanes);
    const buffer = buffers[lane] as Row[];
    buffer.push(row);
    if (buffer.length >= batchSize) await flush(lane);
  }
  if (options.signal?.aborted) {
    // The requests in flight finish; rows still waiting in a lane's batch were not sent. Every row before the
    // first of them was (rows after it in other lanes may have been too: a re-run finds them as duplicates).
    await Promise.all(sending);
    const unsent = buffers.flat();
    summary.rows -= unsent.length;
    summary.stoppedAfterLine = unsent.length ? Math.min(...unsent.map((r) => r.line)) - 1 : lastLine;
  } else {
    for (let lane = 0; lane < lanes; lane++) await flush(lane);
    await Promise.all(sending);
  }
  if (failure) throw failure.error;
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
