import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { MAX_ACCOUNTS_PER_REQUEST, MAX_SIGNALS_PER_REQUEST, type Rejection } from '#core/ingest';
import { type ApiTarget, postJson } from '../api-client.ts';
import { Progress } from '../progress.ts';
import { type FileRow, formatOf, guessKind, type RecordKind, readRecords } from '../read-records.ts';

export interface ImportOptions {
  file: string;
  kind?: RecordKind;
  rejectsFile?: string;
  batchSize?: number;
}

export interface ImportSummary {
  kind: RecordKind;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectsFile?: string;
  seconds: number;
}

type BatchAnswer = { accepted?: number; duplicates?: number; upserted?: number; rejected: Rejection[] };

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

async function detectKind(file: string): Promise<RecordKind> {
  const rows = readRecords(file, 'signals');
  const first = await rows.next();
  await rows.return(undefined);
  const kind = guessKind(file, first.done || !('record' in first.value) ? undefined : first.value.record);
  if (!kind)
    throw new Error(`cannot tell whether ${file} holds accounts or signals: pass --kind accounts|signals`);
  return kind;
}

/**
 * Streams a file to the API in batches through the same validation and idempotency as live traffic. A re-run
 * after an interruption only finds duplicates for what was already stored.
 */
export async function importFile(target: ApiTarget, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const kind = options.kind ?? (await detectKind(options.file));
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
  const flush = async () => {
    if (batch.length === 0) return;
    const answer = await postJson<BatchAnswer>(target, `/v1/${kind}`, { [kind]: batch.map((b) => b.record) });
    summary.accepted += answer.accepted ?? answer.upserted ?? 0;
    summary.duplicates += answer.duplicates ?? 0;
    for (const rejection of answer.rejected) {
      const row = batch[rejection.index];
      writeReject({ line: row?.line, record: row?.record, errors: rejection.errors });
    }
    batch = [];
    progress.update(
      summary.rows,
      `accepted ${summary.accepted} duplicates ${summary.duplicates} rejected ${summary.rejected}`,
    );
  };

  const handle = async (row: FileRow) => {
    summary.rows++;
    if ('error' in row) {
      writeReject({ line: row.line, raw: row.raw, errors: [{ path: '(row)', message: row.error }] });
      return;
    }
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  };
  for await (const row of records) await handle(row);
  await flush();
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
