import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIGNAL_TYPES, TICKET_PRIORITIES } from '#core/signals';
import { keys } from '#store/keys';
import { toStored } from '#store/memory/values';
import { InvalidStoredItemError } from '#store/parse-item';
import { dailyRollupSchema, parseRollupItem, parseRollupRun } from '#store/rollup-item';

/** The cheap check of stored rollups (store/rollup-item.ts) held to the full schema it stands in for. */

const perType = <T>(value: fc.Arbitrary<T>) =>
  fc.dictionary(fc.constantFrom(...SIGNAL_TYPES), value, { maxKeys: 6 });
/** Numbers DynamoDB can store (the in-memory adapter refuses the rest, as DynamoDB does). */
const number = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true }).filter((n) => n === 0 || Math.abs(n) > 1e-9),
);
const texts = fc.array(fc.string(), { maxLength: 4 });

const metricsArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.record({ count: number, sum: number, latest: number, latestAt: fc.string() }),
  { maxKeys: 4 },
);

const withoutMetrics = fc.record({
  accountId: fc.string(),
  day: fc.string(),
  signalCount: number,
  counts: perType(number),
  sums: perType(number),
  latestValues: perType(number),
  lastAt: perType(fc.string()),
  activeUserCount: number,
  activeUsers: texts,
  features: texts,
  milestones: texts,
  ticketsOpened: fc.array(
    fc.record({ ticketId: fc.string(), priority: fc.constantFrom(...TICKET_PRIORITIES) }),
    {
      maxLength: 3,
    },
  ),
  ticketsClosed: texts,
  outcomes: texts,
  contractReductions: number,
});
/** Custom metrics are absent on most days: both shapes. */
const rollupArb = fc
  .tuple(withoutMetrics, fc.option(metricsArb, { nil: undefined }))
  .map(([rollup, metrics]) => (metrics === undefined ? rollup : { ...rollup, metrics }));

/** As the store writes it: key, kind and version around the rollup. */
const itemOf = (rollup: object) => ({
  ...keys.rollup('acme', '2026-01-01'),
  kind: 'rollup',
  ...rollup,
  version: 3,
});

const FIELDS = [...Object.keys(dailyRollupSchema.parse(fc.sample(withoutMetrics, 1)[0])), 'metrics'];
const wrongValues = fc.constantFrom<unknown>(null, 'text', 12, Number.NaN, [], {}, true, undefined);

describe('stored rollups', () => {
  it('are read as the schema reads them, from DynamoDB (plain objects) and the in-memory adapter (frozen ones)', () => {
    fc.assert(
      fc.property(rollupArb, (rollup) => {
        const item = itemOf(rollup);
        const expected = dailyRollupSchema.parse(item);
        expect(parseRollupItem(item)).toEqual(expected);
        expect(parseRollupItem(toStored(item) as Record<string, unknown>)).toEqual(expected);
        expect(Object.keys(parseRollupItem(item))).toEqual(Object.keys(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse, naming the field, an item whose field is missing or of the wrong type', () => {
    fc.assert(
      fc.property(rollupArb, fc.constantFrom(...FIELDS), wrongValues, (rollup, field, wrong) => {
        const item: Record<string, unknown> = { ...itemOf(rollup), [field]: wrong };
        if (wrong === undefined) delete item[field];
        if (dailyRollupSchema.safeParse(item).success) return;
        expect(() => parseRollupItem(item)).toThrow(InvalidStoredItemError);
        expect(() => parseRollupItem(item)).toThrow(new RegExp(`\\b${field}\\b`));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse, naming metrics, an item whose custom metric entry is not a count, sum, latest reading and time', () => {
    const [rollup] = fc.sample(withoutMetrics, 1);
    const good = { count: 2, sum: 3, latest: 1, latestAt: '2026-01-01T00:00:00.000Z' };
    for (const bad of [{ ...good, latest: 'x' }, { ...good, latestAt: 5 }, { count: 2 }, null, []]) {
      const item = { ...itemOf(rollup as object), metrics: { reports: good, other: bad } };
      expect(dailyRollupSchema.safeParse(item).success).toBe(false);
      expect(() => parseRollupItem(item)).toThrow(/\bmetrics\b/);
    }
    const item = itemOf({ ...(rollup as object), metrics: { reports: good } });
    expect(parseRollupItem(item).metrics).toEqual({ reports: good });
  });

  it('keep nothing but the rollup: no key, kind or version', () => {
    const [rollup] = fc.sample(rollupArb, 1);
    expect(Object.keys(parseRollupItem(itemOf(rollup as object)))).not.toEqual(
      expect.arrayContaining(['pk', 'sk', 'kind', 'version']),
    );
  });
});

describe("an account's rollups read again", () => {
  /** Frozen items of days 0..n-1 (as the in-memory store stores them), each a different rollup. */
  const frozenDays = (rollups: readonly object[]) =>
    rollups.map(
      (rollup, day) =>
        toStored({
          ...itemOf(rollup),
          sk: `${keys.rollupPrefix}2026-01-${String(day + 1).padStart(2, '0')}`,
        }) as Record<string, unknown>,
    );

  it("give each item its own rollup, whichever items are the last read's and wherever the new read starts", () => {
    fc.assert(
      fc.property(
        fc.array(rollupArb, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 3 }),
        (rollups, dropped, added, changed) => {
          const items = frozenDays(rollups);
          const last = parseRollupRun(items.slice(0, Math.max(1, items.length - (added % 3))));
          // The next read: the oldest days gone, days added at the end, some days rewritten (new objects).
          const next = items
            .slice(dropped % items.length)
            .map((item, i) =>
              changed.includes(i) ? (toStored({ ...item, version: 4 }) as Record<string, unknown>) : item,
            );
          const run = parseRollupRun(next, last);
          expect(run.rollups).toEqual(next.map((item) => dailyRollupSchema.parse(item)));
          next.forEach((item, i) => {
            const before = last.items.indexOf(item);
            if (before >= 0) expect(run.rollups[i]).toBe(last.rollups[before]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
