/**
 * Exact decimal arithmetic for rollup sums. A JavaScript number is read as the shortest decimal that prints it
 * (what the sender wrote: `0.1` is 1e-1, not the binary fraction nearest to it), and sums of such decimals are
 * exact, so the same signals give the same sum in any order and in any grouping of batches. Floating-point
 * addition does not (0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in the last bit).
 */
export interface Decimal {
  /** The digits, without trailing zeros (0 is 0n). */
  mantissa: bigint;
  exponent: number;
}

const ZERO: Decimal = { mantissa: 0n, exponent: 0 };
const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

function normalised(mantissa: bigint, exponent: number): Decimal {
  if (mantissa === 0n) return ZERO;
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  return { mantissa: m, exponent: e };
}

/** Parses `<digits>[.<digits>][e<exponent>]`, as String(number) and formatDecimal write them. */
export function parseDecimal(text: string): Decimal {
  const match = NUMBER_TEXT.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${whole}${fraction}`);
  return normalised(sign === '-' ? -digits : digits, Number(exponent) - fraction.length);
}

export function decimalOf(value: number): Decimal {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return parseDecimal(String(value));
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const scale = (d: Decimal) => d.mantissa * 10n ** BigInt(d.exponent - exponent);
  return normalised(scale(a) + scale(b), exponent);
}

export const formatDecimal = (d: Decimal): string => `${d.mantissa}e${d.exponent}`;

/** The nearest number (correctly rounded, so the same decimal always gives the same number). */
export const decimalToNumber = (d: Decimal): number => Number(formatDecimal(d));

export const sameDecimal = (a: Decimal, b: Decimal): boolean =>
  a.mantissa === b.mantissa && a.exponent === b.exponent;
