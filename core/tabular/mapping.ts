import * as z from 'zod';
import { looseValue } from '#core/flat-record';
import { addDays } from '#core/health/days';
import { METRIC_NAME, METRIC_NAME_RULE, RENEWAL_OUTCOMES, SIGNAL_TYPES } from '#core/signals';
import type { FieldError } from '#core/validation';

/**
 * How the columns of a table a company already keeps (one row per account, as of a snapshot day) become accounts,
 * signals and renewal outcomes in the formats `simulate --from-import` replays. Each account field comes from a
 * column or a constant; each numeric signal column becomes one signal on the snapshot day (an empty cell is no
 * signal: unknown, not zero); the outcome column's values say which rows churned and which renewed.
 */
const column = z.strictObject({ column: z.string().min(1) });
const constant = z.strictObject({ value: z.union([z.string(), z.number()]) });
const field = z.union([column, constant]);
const number = z.union([
  z.strictObject({ column: z.string().min(1), multiply: z.number().finite().optional() }),
  z.strictObject({ value: z.number().finite() }),
]);
const isoDate = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });

export const tableMappingSchema = z.strictObject({
  /** The day the row's values describe. */
  snapshotDate: isoDate,
  account: z.strictObject({
    id: column,
    name: field.optional(),
    region: field.default({ value: 'unknown' }),
    arr: number.default({ value: 0 }),
    currency: field.default({ value: 'USD' }),
    segment: field.optional(),
    tier: field.optional(),
    /** A column of whole months as a customer at the snapshot (tenure), else a date column or constant. */
    goLiveDate: z
      .union([z.strictObject({ monthsBeforeSnapshot: z.string().min(1) }), field])
      .default({ value: '' }),
    csm: z.strictObject({ name: z.string().min(1), email: z.string().min(3) }),
    /** A column of licensed seats (`contract.seats`), for usage per seat (docs/health-measures.md). */
    seats: z.strictObject({ column: z.string().min(1) }).optional(),
    /**
     * Columns kept as account attributes under their own names (plan, contract type, billing method...), for custom
     * measures (health.measures.custom); an empty cell leaves the attribute out: unknown.
     */
    attributes: z.array(z.string().min(1)).max(50).default([]),
  }),
  signals: z
    .array(
      z.strictObject({
        column: z.string().min(1),
        type: z.enum(SIGNAL_TYPES),
        /** The signal's value is the cell (usage, nps, csat, ...); without it the cell only says the signal happened. */
        valued: z.boolean().default(true),
        /** For a `metric` signal: the custom metric's name (attributes.name); defaults to the column's name. */
        metric: z.string().regex(METRIC_NAME, METRIC_NAME_RULE).optional(),
      }),
    )
    .default([]),
  outcome: z.strictObject({
    column: z.string().min(1),
    /** Cell values that mean each outcome; a row with another value has none. */
    values: z.partialRecord(z.enum(RENEWAL_OUTCOMES), z.array(z.string()).min(1)),
    /** The outcome falls this many days after the snapshot (a snapshot table rarely dates it). */
    daysAfterSnapshot: z
      .number()
      .int()
      .min(1)
      .max(3 * 365),
  }),
});
export type TableMapping = z.infer<typeof tableMappingSchema>;

export interface MappedTable {
  accounts: Record<string, unknown>[];
  signals: Record<string, unknown>[];
  outcomes: { accountId: string; outcome: string; at: string }[];
  /** Rows that could not be mapped, each named by its line, and cells left out (empty: unknown). */
  errors: FieldError[];
}

type Row = Record<string, string>;

const text = (row: Row, spec: z.infer<typeof field>) =>
  'column' in spec ? (row[spec.column] ?? '').trim() : String(spec.value);

/** Maps each row (line numbers as in the file, the header being line 1) to an account, its signals and outcome. */
export function mapTable(mapping: TableMapping, rows: readonly Row[]): MappedTable {
  const out: MappedTable = { accounts: [], signals: [], outcomes: [], errors: [] };
  const snapshot = new Date(`${mapping.snapshotDate}T00:00:00Z`);
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const outcomeAt = addDays(snapshot, mapping.outcome.daysAfterSnapshot);
  const outcomeOf = new Map(
    Object.entries(mapping.outcome.values).flatMap(([outcome, values]) =>
      (values ?? []).map((value) => [value, outcome] as const),
    ),
  );
  for (const [index, row] of rows.entries()) {
    const line = index + 2;
    const problem = (message: string) => {
      out.errors.push({ path: `line ${line}`, message });
    };
    const id = text(row, mapping.account.id);
    if (!id) {
      problem(`${mapping.account.id.column} (the account id) is empty`);
      continue;
    }
    const spec = mapping.account;
    const arrSpec = spec.arr;
    const arr =
      'value' in arrSpec ? arrSpec.value : Number(row[arrSpec.column] ?? '') * (arrSpec.multiply ?? 1);
    if (!Number.isFinite(arr)) {
      problem(`${'column' in arrSpec ? arrSpec.column : 'arr'} is not a number`);
      continue;
    }
    let goLive = day(snapshot);
    if ('monthsBeforeSnapshot' in spec.goLiveDate) {
      const months = Number(row[spec.goLiveDate.monthsBeforeSnapshot] ?? '');
      if (!Number.isFinite(months) || months < 0) {
        problem(`${spec.goLiveDate.monthsBeforeSnapshot} is not a number of months`);
        continue;
      }
      goLive = day(addDays(snapshot, -Math.round(months * 30.44)));
    } else if (text(row, spec.goLiveDate)) goLive = text(row, spec.goLiveDate);
    let seats: number | undefined;
    if (spec.seats) {
      const cell = (row[spec.seats.column] ?? '').trim();
      seats = cell === '' ? undefined : Number(cell);
      if (seats !== undefined && !(Number.isInteger(seats) && seats >= 1)) {
        problem(`${spec.seats.column} is "${cell}", not a whole number of seats`);
        continue;
      }
    }
    const attributes = Object.fromEntries(
      spec.attributes.flatMap((name) => {
        const cell = (row[name] ?? '').trim();
        return cell === '' ? [] : [[name, looseValue(cell)]];
      }),
    );
    const renewal = day(outcomeAt);
    out.accounts.push({
      id,
      name: spec.name ? text(row, spec.name) || id : id,
      region: text(row, spec.region) || 'unknown',
      arr: Math.round(arr * 100) / 100,
      currency: text(row, spec.currency),
      ...(spec.segment && text(row, spec.segment) ? { segment: text(row, spec.segment) } : {}),
      ...(spec.tier && text(row, spec.tier) ? { tier: text(row, spec.tier) } : {}),
      goLiveDate: goLive,
      csm: spec.csm,
      contacts: [],
      contract: {
        startDate: day(addDays(outcomeAt, -365)),
        renewalDate: renewal,
        arr: Math.round(arr * 100) / 100,
        ...(seats !== undefined ? { seats } : {}),
      },
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    });
    for (const [n, signal] of mapping.signals.entries()) {
      const cell = (row[signal.column] ?? '').trim();
      if (cell === '') continue;
      const value = Number(cell);
      if (signal.valued && !Number.isFinite(value)) {
        problem(`${signal.column} is "${cell}", not a number: no ${signal.type} signal`);
        continue;
      }
      out.signals.push({
        id: `${id}-${signal.column}-${mapping.snapshotDate}-${n}`,
        accountId: id,
        type: signal.type,
        occurredAt: `${mapping.snapshotDate}T00:00:00Z`,
        ...(signal.valued ? { value } : {}),
        ...(signal.type === 'metric' ? { attributes: { name: signal.metric ?? signal.column } } : {}),
      });
    }
    const outcome = outcomeOf.get(text(row, { column: mapping.outcome.column }));
    if (outcome) out.outcomes.push({ accountId: id, outcome, at: outcomeAt.toISOString() });
  }
  return out;
}
