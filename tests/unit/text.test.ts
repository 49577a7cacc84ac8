import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entityId, keyId, wellFormedText } from '#core/ids';
import { fnv1a, isWellFormed, loneSurrogateAt, utf8Length } from '#core/text';

describe('utf8Length', () => {
  it('counts the bytes UTF-8 needs at each width boundary', () => {
    const cases = [
      '',
      'a',
      '\u007f',
      '\u0080',
      '\u07ff',
      '\u0800',
      '\uffff',
      '\u{10000}',
      '\u{10ffff}',
      'é😀x',
    ];
    for (const text of cases)
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('counts a lone surrogate as the three bytes of the U+FFFD it is stored as, and a pair as four', () => {
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('\udbff')).toBe(3);
    expect(utf8Length('\udc00')).toBe(3);
    expect(utf8Length('\udfff')).toBe(3);
    expect(utf8Length('\ud800\udc00')).toBe(4);
    expect(utf8Length('\udbff\udfff')).toBe(4);
    // A low surrogate before a high one is not a pair: two lone surrogates.
    expect(utf8Length('\udc00\ud800')).toBe(6);
    expect(utf8Length('\ud7ff\udc00')).toBe(6);
    expect(utf8Length('\ud800\ue000')).toBe(6);
    expect(utf8Length('\ud800a')).toBe(4);
  });

  it('equals Buffer.byteLength on any string, well-formed or not', () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 });
    fc.assert(
      fc.property(units, (codes) => {
        const text = String.fromCharCode(...codes);
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('well-formed text', () => {
  it('finds the first lone surrogate and accepts pairs', () => {
    expect(isWellFormed('plain')).toBe(true);
    expect(isWellFormed('😀')).toBe(true);
    expect(isWellFormed('x\ud800')).toBe(false);
    expect(isWellFormed('\udc00x')).toBe(false);
    expect(loneSurrogateAt('ab\ud801c')).toBe(2);
    expect(loneSurrogateAt('😀\udfff')).toBe(2);
    expect(loneSurrogateAt('fine')).toBe(-1);
  });

  it('refuses an id with a lone surrogate, naming the character and its code unit', () => {
    const result = wellFormedText.safeParse('ab\ud801');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('character 2 is a lone surrogate (\\ud801)');
    expect(wellFormedText.safeParse('ab😀').success).toBe(true);
  });

  it('bounds key ids and entity ids, naming the limit', () => {
    expect(keyId(3).safeParse('abc').success).toBe(true);
    expect(keyId(3).safeParse('abcd').error?.issues[0]?.message).toContain('at most 3 characters');
    expect(keyId().safeParse('').error?.issues[0]?.message).toBe('must not be empty');
    expect(entityId.safeParse('acme-1').success).toBe(true);
    expect(entityId.safeParse('a#b').success).toBe(false);
    expect(entityId.safeParse('a b').success).toBe(false);
    expect(entityId.safeParse('x\ud800').success).toBe(false);
  });
});

describe('fnv1a', () => {
  it('matches the published FNV-1a 32-bit vectors for ASCII', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});
