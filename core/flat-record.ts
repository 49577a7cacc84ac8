import * as z from 'zod';

/**
 * Turns a flat CSV row with dotted headers (`csm.email`, `contract.renewalDate`, `attributes.feature`) into the
 * nested record the API takes. Empty cells are left out; numeric columns become numbers (a non-number is kept
 * as text so validation reports it against its field); JSON columns (`contacts`) are parsed.
 */
export interface FlatRecordRules {
  numeric: ReadonlySet<string>;
  json: ReadonlySet<string>;
  /** Columns under `attributes.` keep numbers as numbers when they look like one. */
  looseNumericPrefix?: string;
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function coerce(column: string, cell: string, rules: FlatRecordRules): unknown {
  if (rules.numeric.has(column)) return NUMBER.test(cell.trim()) ? Number(cell) : cell;
  if (rules.json.has(column)) {
    try {
      return JSON.parse(cell);
    } catch {
      return cell;
    }
  }
  if (rules.looseNumericPrefix && column.startsWith(rules.looseNumericPrefix)) return looseValue(cell);
  return cell;
}

/** A cell of an open column (an attribute): a number or true/false when it reads as one, else its text. */
export function looseValue(cell: string): string | number | boolean {
  if (NUMBER.test(cell.trim())) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

export function unflatten(row: Record<string, string>, rules: FlatRecordRules): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === '' || cell === undefined) continue;
    const path = column.split('.');
    let target = out;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      if (typeof next === 'object' && next !== null && !Array.isArray(next))
        target = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        target[part] = created;
        target = created;
      }
    }
    target[path[path.length - 1] as string] = coerce(column, cell, rules);
  }
  return out;
}

export const ACCOUNT_CSV_RULES: FlatRecordRules = {
  numeric: new Set(['arr', 'contract.arr', 'contract.seats']),
  json: new Set(['contacts', 'externalIds']),
  looseNumericPrefix: 'attributes.',
};

export const SIGNAL_CSV_RULES: FlatRecordRules = {
  numeric: new Set(['value']),
  json: new Set(['attributes']),
  looseNumericPrefix: 'attributes.',
};

/**
 * The CSV columns of a record: its fields with dotted names for nested objects (`csm.email`), JSON columns whole
 * (`contacts`), and, for a record field such as `attributes`, any `attributes.<name>` column.
 */
export interface CsvColumns {
  required: string[];
  optional: string[];
  /** Prefixes under which any column is a field: `attributes.` */
  open: string[];
}

export function csvColumns(schema: z.ZodObject, rules: FlatRecordRules, prefix = ''): CsvColumns {
  const columns: CsvColumns = { required: [], optional: [], open: [] };
  for (const [key, field] of Object.entries(schema.shape)) {
    const name = `${prefix}${key}`;
    const optional = field.safeParse(undefined).success;
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodObject && !rules.json.has(name)) {
      const nested = csvColumns(inner, rules, `${name}.`);
      columns.required.push(...(optional ? [] : nested.required));
      columns.optional.push(...(optional ? nested.required : []), ...nested.optional);
      columns.open.push(...nested.open);
      continue;
    }
    (optional ? columns.optional : columns.required).push(name);
    if (inner instanceof z.ZodRecord) columns.open.push(`${name}.`);
  }
  return columns;
}

export interface HeaderProblem {
  missing: string[];
  unknown: { column: string; meant?: string }[];
}

/** What is wrong with a CSV header: required columns it lacks and columns no field has (with a likely meaning). */
export function headerProblem(header: readonly string[], columns: CsvColumns): HeaderProblem | undefined {
  const known = [...columns.required, ...columns.optional];
  const missing = columns.required.filter((column) => !header.includes(column));
  const unknown = header
    .filter((column) => !known.includes(column) && !columns.open.some((open) => column.startsWith(open)))
    .map((column) => {
      const meant = known.find(
        (k) => k.toLowerCase().replace(/[^a-z0-9]/g, '') === column.toLowerCase().replace(/[^a-z0-9]/g, ''),
      );
      return meant ? { column, meant } : { column };
    });
  return missing.length || unknown.length ? { missing, unknown } : undefined;
}
