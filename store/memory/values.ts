import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { utf8Length } from '#core/text';
import { validationError } from './errors.ts';

/** A value as the document client holds it (what `marshall` accepts with churnguard's options). */
export type Value =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | Set<string>
  | Set<number>
  | Value[]
  | { [name: string]: Value };
export type Item = Record<string, Value>;

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const inRange = (n: number) =>
  Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER && (n === 0 || Math.abs(n) >= 1e-130);

function storableNumber(n: number): number {
  // The same refusals as util-dynamodb's marshall, and DynamoDB's own range.
  if (!Number.isFinite(n)) throw new Error(`Special numeric value ${n} is not allowed`);
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER)
    throw new Error(
      `Number ${n} is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`,
    );
  if (n !== 0 && Math.abs(n) < 1e-130)
    throw validationError(
      'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    );
  return n;
}

/**
 * Stored values are immutable. Every list and map is frozen when it is stored, so a read hands out the stored item
 * itself (see readItem in operations.ts) rather than a deep copy, and an update copies only the containers along the
 * paths it changes. Sets and binary values cannot be frozen: an item holding one is copied whole on every read, as
 * before. Short texts are shared between items (an account id, a user, a day, a key prefix recur in thousands of
 * items), which with the frozen containers about halves what an item costs in memory. A value that arrives frozen
 * all through (store/parse-item.ts writtenItem) is stored as it is, without a copy.
 */

/** Texts stored lately, by their content; bounded, since most long-lived repeats are short and recur soon. */
const texts = new Map<string, string>();
const TEXTS_KEPT = 100_000;
const SHARED_TEXT_LENGTH = 32;

function sharedText(text: string): string {
  if (text.length > SHARED_TEXT_LENGTH) return text;
  const known = texts.get(text);
  if (known !== undefined) return known;
  if (texts.size >= TEXTS_KEPT) texts.clear();
  texts.set(text, text);
  return text;
}

/** One empty list and one empty map for every item that holds one (most rollups hold several). */
const EMPTY_LIST: Value[] = [];
const EMPTY_MAP: Item = {};
Object.freeze(EMPTY_LIST);
Object.freeze(EMPTY_MAP);

/** Whether a stored value holds something that cannot be frozen (a set or binary), found while storing it. */
export interface Holding {
  mutable: boolean;
}

/**
 * A deep copy of a document value, as a write through the document client would store it: undefined dropped
 * (removeUndefinedValues), class instances refused (convertClassInstanceToMap is off), numbers range-checked;
 * lists and maps frozen, short texts shared. `holding.mutable` is set when the value holds a set or binary.
 */
export function toStored(value: unknown, holding: Holding = { mutable: false }): Value {
  if (typeof value === 'object' && value !== null && Object.isFrozen(value) && sizeAsIs(value) >= 0)
    return value as Value;
  switch (typeof value) {
    case 'string':
      return sharedText(value);
    case 'boolean':
      return value;
    case 'number':
      return storableNumber(value);
    case 'bigint':
      return storableNumber(Number(value));
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        // map() sizes the list exactly; a list grown by push keeps up to half as much again unused.
        const list: Value[] = value.includes(undefined)
          ? value.filter((element) => element !== undefined).map((element) => toStored(element, holding))
          : value.map((element) => toStored(element, holding));
        return list.length === 0 ? EMPTY_LIST : (Object.freeze(list) as Value[]);
      }
      if (value instanceof Uint8Array) {
        holding.mutable = true;
        return new Uint8Array(value);
      }
      if (value instanceof NumberValue) return storableNumber(Number(value.value));
      if (value instanceof Set) {
        if (value.size === 0)
          throw validationError('One or more parameter values were invalid: a set may not be empty');
        holding.mutable = true;
        const first = value.values().next().value;
        if (typeof first === 'number') return new Set([...value].map((n) => storableNumber(n as number)));
        return new Set([...(value as Set<string>)].map(sharedText));
      }
      if (!isPlainObject(value))
        throw new Error(
          `Unsupported type passed: ${String(value)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`,
        );
      const map: Item = {};
      const source = value as Record<string, unknown>;
      let empty = true;
      for (const name in source) {
        const element = source[name];
        if (element === undefined) continue;
        map[name] = toStored(element, holding);
        empty = false;
      }
      return empty ? EMPTY_MAP : Object.freeze(map);
    }
    default:
      throw new Error(`Unsupported type passed: ${String(value)}`);
  }
}

/**
 * The size (as valueSize counts it) of a value that can be stored as it is, or -1 when it cannot: stored as it is
 * means frozen all through, with nothing toStored would drop, refuse or convert (no undefined, set, binary, class
 * instance or number out of DynamoDB's range). One walk both checks and measures a frozen item.
 */
export function sizeAsIs(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return utf8Length(value);
    case 'boolean':
      return 1;
    case 'number':
      return inRange(value) ? numberSize(value) : -1;
    case 'object': {
      if (value === null) return 1;
      if (!Object.isFrozen(value)) return -1;
      if (Array.isArray(value)) {
        let size = 3 + value.length;
        for (let i = 0; i < value.length; i++) {
          const element = value[i];
          const inner = element === undefined ? -1 : sizeAsIs(element);
          if (inner < 0) return -1;
          size += inner;
        }
        return size;
      }
      if (!isPlainObject(value)) return -1;
      let size = 3;
      for (const name in value) {
        const element = value[name];
        const inner = element === undefined ? -1 : sizeAsIs(element);
        if (inner < 0) return -1;
        size += utf8Length(name) + inner;
      }
      return size;
    }
    default:
      return -1;
  }
}

/**
 * Makes a value built from stored parts storable in turn (an update's result): freezes the lists and maps not
 * frozen yet, and says whether it holds a set or binary. Frozen parts were stored already; only their sets and
 * binaries are looked for.
 */
export function settle(value: Value): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Set || value instanceof Uint8Array) return true;
  let mutable = false;
  if (Array.isArray(value)) {
    for (const element of value) if (settle(element)) mutable = true;
  } else for (const name in value) if (settle(value[name] as Value)) mutable = true;
  if (!Object.isFrozen(value)) Object.freeze(value);
  return mutable;
}

/** A deep copy of a stored value, unfrozen, for a caller (stored values are already valid, so this only copies). */
export function copy(value: Value): Value {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Set) return new Set(value as Set<string>);
  const map: Item = {};
  for (const name in value) map[name] = copy(value[name] as Value);
  return map;
}

export const copyItem = (item: Item): Item => copy(item) as Item;

export { utf8Length };

/** DynamoDB's item size rule: attribute name bytes plus value bytes (numbers approximated by their digits). */
export function valueSize(value: Value): number {
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return numberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += valueSize(element);
    return size;
  }
  if (Array.isArray(value)) return value.reduce<number>((size, element) => size + 1 + valueSize(element), 3);
  return itemSize(value) + 3;
}

/** A number's size: one byte per two significant digits, and one; its text's digits, without sign, point or exponent. */
function numberSize(n: number): number {
  return Math.ceil(numberDigits(n) / 2) + 1;
}

/** Powers of ten up to 10^17: exact as doubles, so a quotient by one is correctly rounded. */
const TENS = Array.from({ length: 18 }, (_, k) => 10 ** k);
/** Below 2^53 a scaled value rounds to an exact integer. */
const SCALED_LIMIT = 2 ** 53;

/**
 * How many digits the number's text (String(n)) holds, without sign, point or exponent. A safe integer's text is its
 * digits. A fraction of 1e-6 or more is written with a point, and its text is the shortest that reads back as the
 * same double: the fewest decimals k whose nearest k-decimal value M / 10^k reads back as n. That is found without
 * making the text (a health record holds about 80 such numbers, written daily), and the text is made only when no
 * k keeps M exact.
 */
export function numberDigits(n: number): number {
  const size = Math.abs(n);
  if (Number.isSafeInteger(n)) return integerDigits(size);
  if (size >= 1e-6 && size < 1e21) {
    for (let k = 1; k < TENS.length && size * (TENS[k] as number) < SCALED_LIMIT; k++) {
      const scaled = Math.round(size * (TENS[k] as number));
      if (scaled / (TENS[k] as number) === size) return size < 1 ? 1 + k : integerDigits(scaled);
    }
  }
  return textDigits(n);
}

function integerDigits(size: number): number {
  let digits = 1;
  for (let rest = size; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** The digits of the number's text, counted in the text. */
export function textDigits(n: number): number {
  const text = String(n);
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}

export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + valueSize(item[name] as Value);
  return size;
}

type TypeTag = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS';

export function typeOf(value: Value): TypeTag {
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) return 'B';
  if (value instanceof Set) return typeof value.values().next().value === 'number' ? 'NS' : 'SS';
  return Array.isArray(value) ? 'L' : 'M';
}

/** Order of two scalars of the same type as DynamoDB compares them; undefined when they are not comparable. */
export function compare(a: Value, b: Value): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // UTF-16 order equals DynamoDB's UTF-8 byte order outside the astral planes, which keys never use.
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return undefined;
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  if (type === 'B') return compare(a, b) === 0;
  if (a instanceof Set && b instanceof Set)
    return a.size === b.size && [...a].every((element) => (b as Set<unknown>).has(element));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((element, i) => equal(element, b[i] as Value));
  if (type === 'M') {
    const left = a as Item;
    const right = b as Item;
    const names = Object.keys(left);
    return (
      names.length === Object.keys(right).length &&
      names.every((n) => n in right && equal(left[n] as Value, right[n] as Value))
    );
  }
  return false;
}
