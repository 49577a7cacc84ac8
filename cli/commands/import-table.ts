import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { mapTable, tableMappingSchema } from '#core/tabular/mapping';
import { fieldErrors } from '#core/validation';
import { ImportFileError } from './import.ts';

export interface TableImportOptions {
  file: string;
  mappingFile: string;
  /** The directory the accounts, signals and outcomes files go to, for `simulate --from-import`. */
  outDir: string;
}

/** A file's text; an unreadable one is an ImportFileError naming it and why. */
export const readText = (file: string, what: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportFileError(
      `cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code}`,
    );
  }
};

const csvRows = z.array(z.record(z.string(), z.string()));

/**
 * `churnguard import <table.csv> --mapping <mapping.json> --out <dir>`: a table of accounts as of a snapshot day,
 * mapped column by column (core/tabular/mapping.ts), written as the accounts, signals and outcomes files that
 * `simulate --from-import <dir>` replays, so `evaluate` and `calibrate` can judge the score on it. Rows that cannot
 * be mapped are listed by line and left out.
 */
export function importTable(options: TableImportOptions) {
  let mappingJson: unknown;
  try {
    mappingJson = JSON.parse(readText(options.mappingFile, 'mapping'));
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`the mapping ${options.mappingFile} is not JSON`);
  }
  const mapping = tableMappingSchema.safeParse(mappingJson);
  if (!mapping.success)
    throw new ImportFileError(
      `the mapping ${options.mappingFile} has problems:\n${fieldErrors(mapping.error)
        .map((e) => `  ${e.path}: ${e.message}`)
        .join('\n')}`,
    );
  const rows = csvRows.parse(
    parse(readText(options.file, 'table'), { columns: true, skip_empty_lines: true, trim: true, bom: true }),
  );
  if (rows.length === 0) throw new ImportFileError(`${options.file} holds no rows`);
  const header = Object.keys(rows[0] ?? {});
  const named = [
    mapping.data.account.id.column,
    mapping.data.outcome.column,
    ...mapping.data.signals.map((s) => s.column),
  ];
  const missing = named.filter((name) => !header.includes(name));
  if (missing.length)
    throw new ImportFileError(
      `${options.file} has no column ${missing.map((m) => `"${m}"`).join(', ')} that the mapping names; ` +
        `its columns: ${header.join(', ')}`,
    );
  const mapped = mapTable(mapping.data, rows);
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'accounts.json'), `${JSON.stringify(mapped.accounts, null, 2)}\n`);
  const lines = (records: readonly unknown[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
  writeFileSync(join(options.outDir, 'signals.jsonl'), lines(mapped.signals));
  writeFileSync(join(options.outDir, 'outcomes.jsonl'), lines(mapped.outcomes));
  return { rows: rows.length, ...mapped };
}
