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
 * A deep copy of a document value, as a write through the document client would store it: undefined dropped
 * (removeUndefinedValues), class instances refused (convertClassInstanceToMap is off), numbers range-checked.
 * Reads return copies too, so callers can no more change stored items than they can change DynamoDB's.
 */
export function toStored(value: unknown): Value {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return storableNumber(value);
    case 'bigint':
      return storableNumber(Number(value));
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const list: Value[] = [];
        for (const element of value) if (element !== undefined) list.push(toStored(element));
        return list;
      }
      if (value instanceof Uint8Array) return new Uint8Array(value);
      if (value instanceof NumberValue) return storableNumber(Number(value.value));
      if (value instanceof Set) {
        if (value.size === 0)
          throw validationError('One or more parameter values were invalid: a set may not be empty');
        const first = value.values().next().value;
        if (typeof first === 'number') return new Set([...value].map((n) => storableNumber(n as number)));
        return new Set(value as Set<string>);
      }
      if (!isPlainObject(value))
        throw new Error(
          `Unsupported type passed: ${String(value)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`,
        );
      const map: Item = {};
      const source = value as Record<string, unknown>;
      for (const name in source) {
        const element = source[name];
        if (element !== undefined) map[name] = toStored(element);
      }
      return map;
    }
    default:
      throw new Error(`Unsupported type passed: ${String(value)}`);
  }
}

/** A copy of a stored value for a caller (stored values are already valid, so this only copies). */
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
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.e+]/g, '').length / 2) + 1;
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
