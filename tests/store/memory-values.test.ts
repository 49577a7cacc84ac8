import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemSize, numberDigits, sizeAsIs, textDigits, toStored, valueSize } from '#store/memory/values';

describe('in-memory item size', () => {
  it('counts names and strings in UTF-8 bytes, as DynamoDB does, for any text including lone surrogates', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary', minLength: 1 }),
        (text, name) => {
          expect(itemSize({ [name]: text })).toBe(Buffer.byteLength(name) + Buffer.byteLength(text));
        },
      ),
      { numRuns: 2000 },
    );
    expect(itemSize({ a: '\ud83d\ude00', b: '\ud800', é: '€' })).toBe(1 + 4 + 1 + 3 + 2 + 3);
  });

  it("counts a number's digits as its text holds them, whatever the number", () => {
    const roundedTo = fc
      .tuple(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e7, max: 1e7 }),
        fc.integer({ min: 0, max: 17 }),
      )
      .map(([n, decimals]) => Number(n.toFixed(decimals)));
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }),
      roundedTo,
      fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 997 })).map(([a, b]) => a / b),
      fc.integer(),
    );
    fc.assert(
      fc.property(number, (n) => {
        expect(numberDigits(n)).toBe(textDigits(n));
      }),
      { numRuns: 20_000 },
    );
    for (const n of [
      0.1 + 0.2,
      1e-6,
      9.99e-7,
      1e-7,
      0.05,
      12.5,
      1e20,
      1e21,
      2 ** 53 + 2,
      9.999999999999998,
      -0.3,
      94.1,
      0.9354838709677419,
    ])
      expect(numberDigits(n), String(n)).toBe(textDigits(n));
  });

  it('counts every element of a string set, so a large set counts towards the 400 KB item limit', () => {
    expect(valueSize(new Set(['ab', 'cde']))).toBe(5);
    expect(itemSize({ tags: new Set(['x'.repeat(1000), 'y'.repeat(1000)]) })).toBe(4 + 2000);
  });
});

describe('in-memory items stored as they are', () => {
  it('are sized by the walk that checks them exactly as valueSize sizes them, and refused when not frozen', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.integer(),
        fc
          .double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })
          .filter((n) => n === 0 || Math.abs(n) > 1e-9),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const stored = toStored(value);
        expect(sizeAsIs(stored)).toBe(valueSize(stored));
        if (typeof value === 'object' && value !== null && !Object.isFrozen(value))
          expect(sizeAsIs(value)).toBe(-1);
      }),
      { numRuns: 1000 },
    );
  });
});
