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
  if (rules.looseNumericPrefix && column.startsWith(rules.looseNumericPrefix)) {
    if (NUMBER.test(cell.trim())) return Number(cell);
    if (cell === 'true' || cell === 'false') return cell === 'true';
  }
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
  numeric: new Set(['arr', 'contract.arr']),
  json: new Set(['contacts']),
};

export const SIGNAL_CSV_RULES: FlatRecordRules = {
  numeric: new Set(['value']),
  json: new Set(['attributes']),
  looseNumericPrefix: 'attributes.',
};
