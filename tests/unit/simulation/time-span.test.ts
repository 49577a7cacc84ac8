import { describe, expect, it } from 'vitest';
import { timeSpan } from '#cli/commands/simulate-import';

describe('the time span of an imported history', () => {
  it('is the earliest and latest instant, in any order', () => {
    expect(timeSpan([30, 10, 20])).toEqual({ first: 10, last: 30 });
  });

  it('is undefined for no instant', () => {
    expect(timeSpan([])).toBeUndefined();
  });

  it('spans millions of instants without overflowing the call stack (Math.min(...times) did at 300,000)', () => {
    const times = Array.from({ length: 2_000_000 }, (_, i) => 1_700_000_000_000 + ((i * 7919) % 2_000_000));
    expect(timeSpan(times)).toEqual({ first: 1_700_000_000_000, last: 1_700_000_000_000 + 1_999_999 });
  });
});
