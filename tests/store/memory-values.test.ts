import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemSize } from '#store/memory/values';

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
});
