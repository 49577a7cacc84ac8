import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimals, decimalOf, formatDecimal, parseDecimal } from '#core/decimal';
import {
  addToRollup,
  buildDailyRollup,
  emptyRollupState,
  ROLLUP_LIMITS,
  type RollupState,
} from '#core/rollup';
import type { Signal } from '#core/signals';
import { itemSize } from '#store/memory/values';

const DAY = '2026-03-01';
const at = (second: number) => new Date(Date.parse(`${DAY}T00:00:00Z`) + second * 1000).toISOString();

function signal(id: string, fields: Partial<Signal> = {}): Signal {
  return {
    id,
    accountId: 'acme',
    type: 'login',
    occurredAt: at(0),
    receivedAt: at(0),
    userId: 'u1',
    ...fields,
  };
}

/** A day's signals as producers send them: a few types, values with fractions, shared times and users. */
const daySignal = fc
  .record({
    type: fc.constantFrom(
      'login',
      'usage',
      'feature_used',
      'ticket_opened',
      'relationship_score',
      'milestone',
      'metric',
    ),
    second: fc.integer({ min: 0, max: 30 }),
    user: fc.constantFrom('u1', 'u2', 'u3', 'ü4', '😀5'),
    value: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 10, noNaN: true })),
    name: fc.constantFrom('reports', 'export', 'api', 'T-1', 'T-2'),
    priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
  })
  .map(({ type, second, user, value, name, priority }) => {
    const base = { type, occurredAt: at(second), userId: user } as Partial<Signal>;
    if (type === 'usage' || type === 'relationship_score') base.value = Math.round(value * 1000) / 1000;
    if (type === 'feature_used') base.attributes = { feature: name };
    if (type === 'milestone') base.attributes = { milestone: name };
    if (type === 'metric') {
      base.attributes = { name };
      base.value = Math.round((value - 5) * 1000) / 1000;
    }
    if (type === 'ticket_opened') base.attributes = { ticketId: name, priority };
    return base;
  });
const dayOfSignals = fc
  .array(daySignal, { minLength: 1, maxLength: 40 })
  .map((list) => list.map((fields, i) => signal(`s${i}`, fields)));

/** Adds the signals in batches: the way several requests, in some order, bring a day's signals. */
function inBatches(signals: readonly Signal[], cuts: readonly number[]): RollupState {
  let state = emptyRollupState('acme', DAY);
  let from = 0;
  for (const cut of [...cuts, signals.length]) {
    state = addToRollup(state, signals.slice(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  return state;
}

describe('daily rollups, kept by adding batches', () => {
  it('are the same whatever the order and the grouping of the batches that brought the signals', () => {
    const dayInTwoOrders = dayOfSignals.chain((signals) =>
      fc.tuple(
        fc.constant(signals),
        fc.shuffledSubarray(signals, { minLength: signals.length, maxLength: signals.length }),
      ),
    );
    fc.assert(
      fc.property(
        dayInTwoOrders,
        fc.array(fc.nat(40), { maxLength: 6 }),
        fc.array(fc.nat(40), { maxLength: 6 }),
        ([signals, shuffled], cutsA, cutsB) => {
          const a = inBatches(
            signals,
            [...cutsA].sort((x, y) => x - y),
          );
          const b = inBatches(
            shuffled,
            [...cutsB].sort((x, y) => x - y),
          );
          expect(b).toEqual(a);
          expect(a.rollup).toEqual(buildDailyRollup('acme', DAY, signals));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts each signal once and sums values exactly as decimals', () => {
    const rollup = buildDailyRollup('acme', DAY, [
      signal('a', { type: 'usage', value: 0.1 }),
      signal('b', { type: 'usage', value: 0.2 }),
      signal('c', { type: 'usage', value: 0.3 }),
    ]);
    expect(rollup.signalCount).toBe(3);
    expect(rollup.counts).toEqual({ usage: 3 });
    expect(rollup.sums.usage).toBe(0.6);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
  });

  it('takes the latest value by time, and by id when two signals share a time', () => {
    const late = signal('b', { type: 'nps', value: 9, occurredAt: at(10) });
    const tie = signal('c', { type: 'nps', value: 3, occurredAt: at(10) });
    const early = signal('a', { type: 'nps', value: 1, occurredAt: at(5) });
    for (const order of [
      [late, tie, early],
      [early, tie, late],
      [tie, early, late],
    ]) {
      const rollup = buildDailyRollup('acme', DAY, order);
      expect(rollup.latestValues.nps).toBe(3);
      expect(rollup.lastAt.nps).toBe(at(10));
    }
  });

  it('keeps the highest priority a ticket was opened with that day', () => {
    const rollup = buildDailyRollup('acme', DAY, [
      signal('a', { type: 'ticket_opened', attributes: { ticketId: 'T-1', priority: 'low' } }),
      signal('b', { type: 'ticket_opened', attributes: { ticketId: 'T-1', priority: 'urgent' } }),
      signal('c', { type: 'ticket_opened', attributes: { ticketId: 'T-1', priority: 'high' } }),
    ]);
    expect(rollup.ticketsOpened).toEqual([{ ticketId: 'T-1', priority: 'urgent' }]);
  });
});

describe('daily rollups stay bounded whatever a day brings', () => {
  it('keep counts exact and cut distinct values at their limit, in sort order, saying so', () => {
    const users = ROLLUP_LIMITS.activeUsers.values + 500;
    const signals = Array.from({ length: users }, (_, i) =>
      signal(`s${i}`, { userId: `user-${String(i).padStart(5, '0')}` }),
    );
    const rollup = buildDailyRollup('acme', DAY, signals);
    expect(rollup.signalCount).toBe(users);
    expect(rollup.counts.login).toBe(users);
    expect(rollup.activeUsers).toHaveLength(ROLLUP_LIMITS.activeUsers.values);
    expect(rollup.activeUsers[0]).toBe('user-00000');
    expect(rollup.activeUserCount).toBe(ROLLUP_LIMITS.activeUsers.values);
    expect(rollup.capped).toEqual(['activeUsers']);
    expect(buildDailyRollup('acme', DAY, signals.slice(0, 10)).capped).toBeUndefined();
  });

  it('stay far below the 400 KB item limit with the longest values every list accepts', () => {
    const long = (prefix: string, i: number) => `${prefix}${i}`.padEnd(256, '字');
    const signals: Signal[] = [];
    for (let i = 0; i < 3000; i++) {
      signals.push(signal(`u${i}`, { userId: long('u', i) }));
      signals.push(
        signal(`f${i}`, { type: 'feature_used', attributes: { feature: long('f', i).padEnd(512, '字') } }),
      );
      signals.push(
        signal(`m${i}`, { type: 'milestone', attributes: { milestone: long('m', i).padEnd(512, '字') } }),
      );
      signals.push(signal(`o${i}`, { type: 'ticket_opened', attributes: { ticketId: long('t', i) } }));
      signals.push(signal(`c${i}`, { type: 'ticket_closed', attributes: { ticketId: long('t', i) } }));
      signals.push(
        signal(`x${i}`, { type: 'metric', value: 0.1, attributes: { name: `m${i}`.padEnd(64, 'x') } }),
      );
    }
    for (const [n, type] of (
      ['usage', 'nps', 'csat', 'value_realized', 'relationship_score'] as const
    ).entries())
      signals.push(signal(long('v', n), { type, value: 1, occurredAt: at(86_000) }));
    const state = addToRollup(emptyRollupState('acme', DAY), signals);
    const item = {
      pk: 'ACCOUNT#acme',
      sk: `ROLLUP#${DAY}`,
      kind: 'rollup',
      ...state.rollup,
      book: state.book,
    };
    expect(itemSize(JSON.parse(JSON.stringify(item)))).toBeLessThan(120 * 1024);
  });

  it('hold sums inside the safe-integer range, keeping the exact sum beside them', () => {
    const huge = Array.from({ length: 9_100 }, (_, i) => signal(`s${i}`, { type: 'usage', value: 1e12 }));
    const state = addToRollup(emptyRollupState('acme', DAY), huge);
    expect(state.rollup.sums.usage).toBe(Number.MAX_SAFE_INTEGER);
    expect(state.book.exactSums?.usage).toBe('91e14');
    const more = addToRollup(state, [signal('x', { type: 'usage', value: 1e12 })]);
    expect(more.book.exactSums?.usage).toBe('9101e12');
    expect(more.rollup.signalCount).toBe(9_101);
  });
});

describe('custom metrics in daily rollups', () => {
  const reading = (id: string, name: string, value: number, second = 0) =>
    signal(id, { type: 'metric', value, occurredAt: at(second), attributes: { name } });

  it('keep per name the count, the exact sum and the latest reading with its time', () => {
    const rollup = buildDailyRollup('acme', DAY, [
      reading('a', 'reports', 0.1, 10),
      reading('b', 'reports', 0.2, 30),
      reading('c', 'reports', 0.3, 20),
      reading('d', 'seats.used', -4, 5),
    ]);
    expect(rollup.metrics).toEqual({
      reports: { count: 3, sum: 0.6, latest: 0.2, latestAt: at(30) },
      'seats.used': { count: 1, sum: -4, latest: -4, latestAt: at(5) },
    });
    expect(rollup.counts.metric).toBe(4);
  });

  it('add batch after batch to the same figures, the exact sum kept in the book when a number cannot hold it', () => {
    const huge = Array.from({ length: 9_100 }, (_, i) => reading(`s${i}`, 'calls', 1e12));
    const state = addToRollup(addToRollup(emptyRollupState('acme', DAY), huge), [
      reading('x', 'calls', 1e12, 40),
    ]);
    expect(state.rollup.metrics?.calls).toMatchObject({ count: 9_101, sum: Number.MAX_SAFE_INTEGER });
    expect(state.book.metrics?.calls?.exactSum).toBe('9101e12');
    expect(state.rollup.metrics?.calls?.latestAt).toBe(at(40));
  });

  it('take the latest reading by time, and by id when two share a time, in any order', () => {
    const late = reading('b', 'nps-like', 9, 10);
    const tie = reading('c', 'nps-like', 3, 10);
    const early = reading('a', 'nps-like', 1, 5);
    for (const order of [
      [late, tie, early],
      [early, tie, late],
      [tie, early, late],
    ]) {
      const state = order.reduce((s, one) => addToRollup(s, [one]), emptyRollupState('acme', DAY));
      expect(state.rollup.metrics?.['nps-like']).toEqual({ count: 3, sum: 13, latest: 3, latestAt: at(10) });
    }
  });

  it('keep at most the first names in sort order, saying so, with the kept ones exact however batches come', () => {
    const names = ROLLUP_LIMITS.metrics.values + 10;
    const signals = Array.from({ length: names * 2 }, (_, i) =>
      reading(`s${i}`, `metric${String(i % names).padStart(3, '0')}`, 1, i % 50),
    );
    const whole = buildDailyRollup('acme', DAY, signals);
    expect(Object.keys(whole.metrics ?? {})).toHaveLength(ROLLUP_LIMITS.metrics.values);
    expect(whole.metrics?.metric000).toMatchObject({ count: 2, sum: 2 });
    expect(whole.metrics?.[`metric${String(names - 1).padStart(3, '0')}`]).toBeUndefined();
    expect(whole.capped).toEqual(['metrics']);
    expect(whole.counts.metric).toBe(names * 2);
    const oneByOne = [...signals]
      .reverse()
      .reduce((state, one) => addToRollup(state, [one]), emptyRollupState('acme', DAY));
    expect(oneByOne.rollup).toEqual(whole);
  });
});

describe('exact decimals', () => {
  it('read a number as the decimal that prints it, and add exactly in any order', () => {
    expect(formatDecimal(decimalOf(0.1))).toBe('1e-1');
    expect(formatDecimal(decimalOf(-1.5e-7))).toBe('-15e-8');
    expect(formatDecimal(decimalOf(1e21))).toBe('1e21');
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { maxLength: 20 }),
        (values) => {
          const forward = values.reduce((sum, v) => addDecimals(sum, decimalOf(v)), decimalOf(0));
          const backward = [...values]
            .reverse()
            .reduce((sum, v) => addDecimals(sum, decimalOf(v)), decimalOf(0));
          expect(backward).toEqual(forward);
          expect(parseDecimal(formatDecimal(forward))).toEqual(forward);
        },
      ),
    );
  });
});
