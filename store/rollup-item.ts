import * as z from 'zod';
import { CAPPED_LISTS, type DailyRollup, type MetricAggregate } from '#core/rollup';
import { SIGNAL_TYPES, TICKET_PRIORITIES } from '#core/signals';
import { parseItem } from './parse-item.ts';

/**
 * A stored daily rollup, parsed. Scoring reads 180 rollups per account per day, and the full schema below costs
 * about 1-3 µs a rollup in zod, more than scoring it; so every read makes the cheaper check of the shape, field by
 * field (each field of the right type; per-type maps are maps and lists are lists), which costs a few tens of
 * nanoseconds, and an item that fails it goes through the full schema, which names what is wrong. The full schema is
 * the definition: the cheap check accepts every item the schema accepts and returns the same rollup
 * (tests/store/rollup-item.test.ts); what it does not look into is the values inside the maps and lists, which only
 * ingest writes (core/rollup.ts builds them from validated signals).
 */

const perType = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(SIGNAL_TYPES), value);

/** Custom metrics by name (core/rollup.ts `metrics`). */
export const metricsSchema = z.record(
  z.string(),
  z.object({ count: z.number(), sum: z.number(), latest: z.number(), latestAt: z.string() }),
);

export const dailyRollupSchema: z.ZodType<DailyRollup> = z.object({
  accountId: z.string(),
  day: z.string(),
  signalCount: z.number(),
  counts: perType(z.number()),
  sums: perType(z.number()),
  latestValues: perType(z.number()),
  lastAt: perType(z.string()),
  activeUserCount: z.number(),
  activeUsers: z.array(z.string()),
  features: z.array(z.string()),
  milestones: z.array(z.string()),
  ticketsOpened: z.array(z.object({ ticketId: z.string(), priority: z.enum(TICKET_PRIORITIES) })),
  ticketsClosed: z.array(z.string()),
  outcomes: z.array(z.string()),
  contractReductions: z.number(),
  capped: z.array(z.enum(CAPPED_LISTS)).optional(),
  relationshipAssessment: z
    .object({ desired: z.number().nullable(), assessor: z.string().nullable() })
    .optional(),
  metrics: metricsSchema.optional(),
});

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isMap = (value: unknown): value is Record<string, never> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isAssessment = (value: unknown): value is { desired: number | null; assessor: string | null } =>
  isMap(value) &&
  (value.desired === null || isNumber(value.desired)) &&
  (value.assessor === null || isText(value.assessor));

/** Custom metrics: unlike the per-type maps, their entries are looked into (a handful of names, four fields). */
const isMetrics = (value: unknown): value is Record<string, MetricAggregate> => {
  if (!isMap(value)) return false;
  for (const name in value) {
    const entry: unknown = value[name];
    if (
      !isMap(entry) ||
      !isNumber(entry.count) ||
      !isNumber(entry.sum) ||
      !isNumber(entry.latest) ||
      !isText(entry.latestAt)
    )
      return false;
  }
  return true;
};

/** The rollup in an item, when every field is as the schema says; undefined otherwise. */
function checked(item: Record<string, unknown>): DailyRollup | undefined {
  const {
    accountId,
    day,
    signalCount,
    counts,
    sums,
    latestValues,
    lastAt,
    activeUserCount,
    activeUsers,
    features,
    milestones,
    ticketsOpened,
    ticketsClosed,
    outcomes,
    contractReductions,
    capped,
    relationshipAssessment,
    metrics,
  } = item;
  if (
    !isText(accountId) ||
    !isText(day) ||
    !isNumber(signalCount) ||
    !isMap(counts) ||
    !isMap(sums) ||
    !isMap(latestValues) ||
    !isMap(lastAt) ||
    !isNumber(activeUserCount) ||
    !Array.isArray(activeUsers) ||
    !Array.isArray(features) ||
    !Array.isArray(milestones) ||
    !Array.isArray(ticketsOpened) ||
    !Array.isArray(ticketsClosed) ||
    !Array.isArray(outcomes) ||
    !isNumber(contractReductions) ||
    (capped !== undefined && !Array.isArray(capped)) ||
    (relationshipAssessment !== undefined && !isAssessment(relationshipAssessment)) ||
    (metrics !== undefined && !isMetrics(metrics))
  )
    return undefined;
  return {
    accountId,
    day,
    signalCount,
    counts,
    sums,
    latestValues,
    lastAt,
    activeUserCount,
    activeUsers,
    features,
    milestones,
    ticketsOpened,
    ticketsClosed,
    outcomes,
    contractReductions,
    ...(capped === undefined ? {} : { capped }),
    ...(relationshipAssessment === undefined ? {} : { relationshipAssessment }),
    ...(metrics === undefined ? {} : { metrics }),
  };
}

/**
 * Rollups read from frozen items (the in-memory store hands out its stored items frozen; they cannot change), by
 * item: a simulation's daily pass reads each account's 180 rollups every virtual day, most of them unchanged.
 */
const fromFrozen = new WeakMap<object, DailyRollup>();

/** The rollup in a stored item (key, kind and version left out); throws InvalidStoredItemError when it is not one. */
export function parseRollupItem(item: Record<string, unknown>): DailyRollup {
  const known = fromFrozen.get(item);
  if (known) return known;
  const rollup = checked(item) ?? parseItem(dailyRollupSchema, item, `rollup ${String(item.sk)}`);
  if (Object.isFrozen(item)) fromFrozen.set(item, Object.freeze(rollup));
  return rollup;
}

/** One read's rollups with the items they were parsed from, in the read's order (see parseRollupRun). */
export interface ParsedRun {
  items: readonly Record<string, unknown>[];
  rollups: readonly DailyRollup[];
}

/**
 * The rollups of one account's items read in sort-key order, given that account's previous read: an item that is
 * the very object read then (frozen: the in-memory store hands out its stored items as they are) takes the rollup
 * parsed then, found by position from where this read starts in the last one, without a lookup per item. A daily
 * pass reads each account's lookback every virtual day and most of its items are yesterday's.
 */
export function parseRollupRun(items: readonly Record<string, unknown>[], last?: ParsedRun): ParsedRun {
  const offset = last && items.length > 0 ? last.items.indexOf(items[0] as Record<string, unknown>) : -1;
  const rollups = items.map((item, i) => {
    const j = offset + i;
    return offset >= 0 && last?.items[j] === item ? (last.rollups[j] as DailyRollup) : parseRollupItem(item);
  });
  return { items, rollups };
}
