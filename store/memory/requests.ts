import { validationError } from './errors.ts';
import type { Scope } from './expression-eval.ts';
import {
  type Condition,
  type Parsed,
  type Path,
  parseCondition,
  parseProjection,
  parseUpdate,
  type Update,
} from './expression-parser.ts';
import { type Item, toStored, type Value } from './values.ts';

/** What every request carries: its placeholders, and its key shape (single table, `pk` and `sk` strings). */
export interface Placeholders {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export interface Expressions {
  condition?: string;
  update?: string;
  filter?: string;
  keyCondition?: string;
  projection?: string;
}

/**
 * Parses a request's expressions and builds its scope, refusing what DynamoDB refuses: an empty placeholder
 * map, a placeholder the expressions never use, and one they use but the request does not define (at evaluation).
 */
export function prepare(request: Placeholders, expressions: Expressions): Prepared {
  if (
    expressions.condition === undefined &&
    expressions.filter === undefined &&
    expressions.keyCondition === undefined &&
    expressions.update === undefined &&
    expressions.projection === undefined &&
    request.ExpressionAttributeNames === undefined &&
    request.ExpressionAttributeValues === undefined
  )
    return NO_EXPRESSIONS; // most writes (a batch of puts): nothing to parse, nothing to check
  const entry = parsedTogether(expressions);
  const { parsed, names: usedNames, values: usedValues } = entry;
  const names = request.ExpressionAttributeNames;
  const values = request.ExpressionAttributeValues;
  // A request without placeholders (a conditional put of `attribute_not_exists(pk)`) has nothing of its own to check
  // or to store: its expressions and an empty scope are shared by every request with the same texts.
  if (names === undefined && values === undefined) {
    entry.withoutPlaceholders ??= Object.freeze({ ...parsed, scope: NO_EXPRESSIONS.scope });
    return entry.withoutPlaceholders;
  }
  if (names && isEmpty(names)) throw validationError('ExpressionAttributeNames must not be empty');
  if (values && isEmpty(values)) throw validationError('ExpressionAttributeValues must not be empty');
  const unusedNames: string[] = [];
  for (const name in names) if (!usedNames.has(name)) unusedNames.push(name);
  if (unusedNames.length)
    throw validationError(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  const storedValues: Item = {};
  for (const name in values) {
    if (!usedValues.has(name))
      throw validationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${name}}`,
      );
    storedValues[name] = storedValue(name, values[name]);
  }
  return { ...parsed, scope: { names: names ?? {}, values: storedValues } };
}

function isEmpty(map: object): boolean {
  for (const _ in map) return false;
  return true;
}

/** A placeholder's value as stored, or the ValidationException DynamoDB answers for a missing one. */
export function storedValue(name: string, value: unknown): Value {
  if (value === undefined)
    throw validationError(`ExpressionAttributeValues contains invalid value: missing value for key ${name}`);
  return toStored(value);
}

export type ParsedExpressions = {
  condition?: Parsed<Condition>;
  filter?: Parsed<Condition>;
  keyCondition?: Parsed<Condition>;
  update?: Parsed<Update>;
  projection?: Parsed<Path[]>;
};

export type Prepared = ParsedExpressions & { scope: Scope };

const NO_EXPRESSIONS: Prepared = Object.freeze({
  scope: Object.freeze({ names: {}, values: {} }),
});

interface Together {
  parsed: ParsedExpressions;
  names: Set<string>;
  values: Set<string>;
  /** The expressions prepared for a request that has no placeholders (see prepare). */
  withoutPlaceholders?: Prepared;
}

/**
 * Parsed expressions by their texts, one level per kind (condition, filter, key condition, update, projection;
 * undefined where a request has none): a lookup hashes each text, most often a constant whose hash is kept,
 * rather than a key joined from them all anew for every request.
 */
type Level = Map<string | undefined, Level | Together>;
let together: Level = new Map();
let togetherCount = 0;

/** The expressions of one request parsed, with the placeholders they use between them (cached by their texts). */
export function parsedTogether(expressions: Expressions): Together {
  const texts = [
    expressions.condition,
    expressions.filter,
    expressions.keyCondition,
    expressions.update,
    expressions.projection,
  ];
  let level = together;
  for (let i = 0; i < texts.length - 1; i++) {
    let next = level.get(texts[i]) as Level | undefined;
    if (!next) {
      next = new Map();
      level.set(texts[i], next);
    }
    level = next;
  }
  const last = texts[texts.length - 1];
  const hit = level.get(last) as Together | undefined;
  if (hit) return hit;
  const entry = parseTogether(expressions);
  // Expressions are built from a small set of shapes; the bound only guards against a caller that inlines values.
  if (++togetherCount > 10_000) {
    together = new Map();
    togetherCount = 0;
  } else level.set(last, entry);
  return entry;
}

function parseTogether(expressions: Expressions): Together {
  const parsed: ParsedExpressions = {
    ...(expressions.condition === undefined ? {} : { condition: parseCondition(expressions.condition) }),
    ...(expressions.filter === undefined ? {} : { filter: parseCondition(expressions.filter) }),
    ...(expressions.keyCondition === undefined
      ? {}
      : { keyCondition: parseCondition(expressions.keyCondition) }),
    ...(expressions.update === undefined ? {} : { update: parseUpdate(expressions.update) }),
    ...(expressions.projection === undefined ? {} : { projection: parseProjection(expressions.projection) }),
  };
  const all: Parsed<unknown>[] = Object.values(parsed);
  return {
    parsed,
    names: new Set(all.flatMap((p) => [...p.names])),
    values: new Set(all.flatMap((p) => [...p.values])),
  };
}

/** A key as the single table defines it: exactly `pk` and `sk`, both non-empty strings. */
export function keyOf(key: Record<string, unknown> | undefined, what = 'key'): { pk: string; sk: string } {
  let attributes = 0;
  for (const _ in key) attributes++;
  return checkedKey(key?.pk, key?.sk, attributes === 2, what);
}

export function itemKey(item: Item): { pk: string; sk: string } {
  for (const name of KEY_NAMES)
    if (!(name in item))
      throw validationError(`One or more parameter values were invalid: Missing the key ${name} in the item`);
  return checkedKey(item.pk, item.sk, true, 'item key');
}

const KEY_NAMES = ['pk', 'sk'] as const;

function checkedKey(pk: unknown, sk: unknown, onlyKey: boolean, what: string): { pk: string; sk: string } {
  if (typeof pk !== 'string' || typeof sk !== 'string' || !onlyKey)
    throw validationError(`The provided ${what} element does not match the schema`);
  if (pk === '' || sk === '')
    throw validationError(
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.',
    );
  return { pk, sk };
}

/**
 * The keys a request has named so far, to refuse one named twice. By partition, then sort key: the table's own
 * lookups of these very strings then find their hashes computed, where a joined `pk + sk` text would be one more
 * string to build and hash for every key.
 */
export class KeySet {
  private readonly partitions = new Map<string, string[]>();

  has(pk: string, sk: string): boolean {
    return this.partitions.get(pk)?.includes(sk) ?? false;
  }

  /** Adds a key; false when it was there already. */
  add(pk: string, sk: string): boolean {
    const sortKeys = this.partitions.get(pk);
    if (!sortKeys) {
      this.partitions.set(pk, [sk]);
      return true;
    }
    if (sortKeys.includes(sk)) return false;
    sortKeys.push(sk);
    return true;
  }
}
