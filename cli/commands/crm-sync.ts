import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { applyOverrides } from '#config/overrides';
import {
  type CrmExportMapping,
  type CrmRow,
  crmExportMappingSchema,
  mapCrmExport,
} from '#core/connectors/crm-export';
import { HUBSPOT_EXPORT_MAPPING } from '#core/connectors/hubspot-export';
import { fieldErrors } from '#core/validation';
import type { ApiTarget } from '../api-client.ts';
import { CSV_RECORD_OPTIONS } from '../read-records.ts';
import { ImportFileError, type ImportSummary, importRows } from './import.ts';
import { readText } from './import-table.ts';

/**
 * `churnguard sync hubspot --from <export>` and `churnguard import <export dir> --mapping <crm mapping.json>`: the
 * first full load of a CRM's companies (accounts), renewal deals (contracts) and contacts from its export files,
 * mapped by core/connectors/crm-export.ts and sent through POST /v1/accounts as `churnguard import` sends a file
 * (progress, rejects with reasons, Ctrl-C, resumable: running it again updates the same accounts).
 */

export interface CrmSyncOptions {
  /** Export folder(s) or files. */
  from: readonly string[];
  /** A mapping file (JSON). For HubSpot it holds what differs from the built-in mapping; else the whole mapping. */
  mappingFile?: string;
  preset?: 'hubspot';
  rejectsFile?: string;
  batchSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface CrmSyncSummary extends ImportSummary {
  /** Companies read, and deals and contacts read but not used (with why, in the rejects file's neighbour). */
  companies: number;
  skipped: number;
}

type Objects = 'companies' | 'deals' | 'contacts';
const OBJECTS: readonly Objects[] = ['companies', 'deals', 'contacts'];

/** The mapping: the file alone, or laid over the HubSpot preset; every problem by its path. */
export function loadCrmMapping(
  mappingFile: string | undefined,
  preset: 'hubspot' | undefined,
): CrmExportMapping {
  let overrides: unknown = {};
  if (mappingFile) {
    try {
      overrides = JSON.parse(readText(mappingFile, 'mapping'));
    } catch (error) {
      if (error instanceof ImportFileError) throw error;
      throw new ImportFileError(`the mapping ${mappingFile} is not JSON: ${(error as Error).message}`);
    }
  }
  const where = mappingFile ?? 'the built-in HubSpot mapping';
  let candidate = overrides;
  if (preset) {
    const laid = applyOverrides(HUBSPOT_EXPORT_MAPPING, overrides);
    if (laid.errors.length > 0) {
      throw new ImportFileError(
        `the mapping ${where} has problems:\n${laid.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
      );
    }
    candidate = laid.merged;
  }
  const parsed = crmExportMappingSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ImportFileError(
      `the mapping ${where} has problems:\n${fieldErrors(parsed.error)
        .map((e) => `  ${e.path}: ${e.message}`)
        .join('\n')}`,
    );
  }
  return parsed.data;
}

/** Each object's export file: named in --from, else found by the mapping's file names in a --from folder. */
function locate(from: readonly string[], mapping: CrmExportMapping): Record<Objects, string | undefined> {
  const files: string[] = [];
  for (const path of from) {
    if (!existsSync(path)) throw new ImportFileError(`cannot read ${path}: no such file or folder`);
    if (statSync(path).isDirectory()) files.push(...readdirSync(path).map((name) => join(path, name)));
    else files.push(path);
  }
  const find = (names: readonly string[]) => {
    for (const name of names) {
      const found = files.find((file) => basename(file).toLowerCase() === name.toLowerCase());
      if (found) return found;
    }
    return undefined;
  };
  return {
    companies: find(mapping.files.companies),
    deals: find(mapping.files.deals),
    contacts: find(mapping.files.contacts),
  };
}

const stringsOf = (object: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
  }
  return out;
};

const apiRecord = z.looseObject({
  id: z.union([z.string(), z.number()]),
  properties: z.record(z.string(), z.unknown()),
  associations: z
    .record(
      z.string(),
      z.looseObject({ results: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })) }),
    )
    .optional(),
});

/**
 * One exported record as flat columns: an API record (`{ id, properties, associations }`, HubSpot's CRM API) as
 * `hs_object_id`, its properties and `associations.<type>` (ids joined by `;`); anything else as its own fields.
 */
export function flatRecord(value: unknown): Record<string, string> | undefined {
  const api = apiRecord.safeParse(value);
  if (api.success) {
    const columns: Record<string, string> = {
      hs_object_id: String(api.data.id),
      ...stringsOf(api.data.properties),
    };
    for (const [type, list] of Object.entries(api.data.associations ?? {})) {
      columns[`associations.${type}`] = list.results.map((r) => String(r.id)).join(';');
    }
    return columns;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return stringsOf(value as Record<string, unknown>);
  return undefined;
}

const csvRecords = z.array(
  z.object({ record: z.record(z.string(), z.string()), info: z.looseObject({ lines: z.number() }) }),
);

export function readExportFile(file: string): CrmRow[] {
  const text = readText(file, 'export file');
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) {
    const parsed = csvRecords.parse(parse(text, CSV_RECORD_OPTIONS));
    return parsed.map(({ record, info }) => ({ file, line: info.lines, values: record }));
  }
  const items: { line: number; value: unknown }[] = [];
  try {
    if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
      for (const [i, line] of text.split('\n').entries())
        if (line.trim()) items.push({ line: i + 1, value: JSON.parse(line) });
    } else {
      const data: unknown = JSON.parse(text);
      const list = Array.isArray(data) ? data : (data as { results?: unknown } | null)?.results;
      if (!Array.isArray(list))
        throw new ImportFileError(`${file} must hold a JSON array or HubSpot's { "results": [...] }`);
      for (const [i, value] of list.entries()) items.push({ line: i + 1, value });
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return items.flatMap(({ line, value }) => {
    const values = flatRecord(value);
    return values ? [{ file, line, values }] : [];
  });
}

export async function syncCrmExport(target: ApiTarget, options: CrmSyncOptions): Promise<CrmSyncSummary> {
  const mapping = loadCrmMapping(options.mappingFile, options.preset);
  const located = locate(options.from, mapping);
  for (const object of ['companies', 'deals'] as const) {
    if (!located[object]) {
      throw new ImportFileError(
        `no ${object} file in ${options.from.join(', ')}: expected one of ${mapping.files[object].join(', ')}`,
      );
    }
  }
  const rows = Object.fromEntries(
    OBJECTS.map((object) => [object, located[object] ? readExportFile(located[object] as string) : []]),
  ) as Record<Objects, CrmRow[]>;
  if (rows.companies.length === 0)
    throw new ImportFileError(`${located.companies} holds no companies: there is nothing to sync`);
  const mapped = mapCrmExport(rows, mapping);
  const rejectsFile = options.rejectsFile ?? `${located.companies}.rejects.jsonl`;
  const summary = await importRows(target, {
    kind: 'accounts',
    rows: mapped.accounts.map((a) => ({ line: a.line, record: a.record })),
    total: mapped.accounts.length,
    rejectsFile,
    rejectedBefore: mapped.rejected,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    signal: options.signal,
  });
  return { ...summary, companies: rows.companies.length, skipped: mapped.skipped.length };
}
