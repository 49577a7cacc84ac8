import { readFileSync } from 'node:fs';
import { type ConnectorMapping, connectorMappingSchema } from '#core/connectors/mapping';
import { mapPosthogBody } from '#core/connectors/posthog';
import { describeError } from '#core/connectors/shared';
import type { ApiTarget } from '../api-client.ts';
import { type FileRow, readRecords } from '../read-records.ts';
import { ImportFileError, type ImportSummary, importRows } from './import.ts';

/**
 * `churnguard sync posthog --from <batch export files>`: PostHog batch-export rows (JSONL, one event a line, as its
 * S3 destination writes them; or a JSON array) mapped by the connector mapping's `posthog` section, exactly as the
 * webhook maps them, and sent through POST /v1/signals as `churnguard import` sends a file. Signal ids are the
 * events' uuids, so running it again (or over a file the webhook already delivered) finds duplicates.
 */

export interface PosthogSyncOptions {
  from: readonly string[];
  /** A connector mapping file (JSON, as CHURNGUARD_CONNECTORS); default: CHURNGUARD_CONNECTORS, else the defaults. */
  mappingFile?: string;
  rejectsFile?: string;
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface PosthogSyncSummary extends ImportSummary {
  /** Events read but not made into signals (unmapped events, no company group), by reason. */
  ignored: Record<string, number>;
}

export function loadConnectorMapping(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConnectorMapping {
  let text = env.CHURNGUARD_CONNECTORS;
  let where = 'CHURNGUARD_CONNECTORS';
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
      where = file;
    } catch (error) {
      throw new ImportFileError(`cannot read the mapping ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  if (!text?.trim()) return connectorMappingSchema.parse({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`${where} is not JSON: ${(error as Error).message}`);
  }
  const parsed = connectorMappingSchema.safeParse(value);
  if (!parsed.success) throw new ImportFileError(`${where}: ${describeError(parsed.error)}`);
  return parsed.data;
}

/** Signals from each event row; a row that is not a PostHog event goes to the rejects with its fields. */
async function* signalRows(
  files: readonly string[],
  mapping: ConnectorMapping,
  ignored: Record<string, number>,
): AsyncGenerator<FileRow> {
  for (const file of files) {
    for await (const row of readRecords(file, 'signals')) {
      if ('error' in row) {
        yield row;
        continue;
      }
      const result = mapPosthogBody(row.record, mapping);
      if (result.rejected) {
        const why = result.rejected.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        yield { line: row.line, raw: JSON.stringify(row.record).slice(0, 500), error: `${file}: ${why}` };
        continue;
      }
      for (const entry of result.ignored) {
        const reason = entry.reason.replace(/^event \S+ is not mapped$/, 'event is not mapped');
        ignored[reason] = (ignored[reason] ?? 0) + 1;
      }
      for (const signal of result.signals) yield { line: row.line, record: signal };
    }
  }
}

export async function syncPosthogExport(
  target: ApiTarget,
  options: PosthogSyncOptions,
): Promise<PosthogSyncSummary> {
  const mapping = loadConnectorMapping(options.mappingFile);
  if (options.from.length === 0) throw new ImportFileError('no PostHog export file given');
  const ignored: Record<string, number> = {};
  const summary = await importRows(target, {
    kind: 'signals',
    rows: signalRows(options.from, mapping, ignored),
    rejectsFile: options.rejectsFile ?? `${options.from[0]}.rejects.jsonl`,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    signal: options.signal,
  });
  return { ...summary, ignored };
}
