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
import { type Item, toStored } from './values.ts';

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
export function prepare(
  request: Placeholders,
  expressions: Expressions,
): ParsedExpressions & { scope: Scope } {
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
  const { parsed, names: usedNames, values: usedValues } = parsedTogether(expressions);
  const names = request.ExpressionAttributeNames;
  const values = request.ExpressionAttributeValues;
  if (names && Object.keys(names).length === 0)
    throw validationError('ExpressionAttributeNames must not be empty');
  if (values && Object.keys(values).length === 0)
    throw validationError('ExpressionAttributeValues must not be empty');
  const unusedNames = Object.keys(names ?? {}).filter((n) => !usedNames.has(n));
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
    const value = values[name];
    if (value === undefined)
      throw validationError(
        `ExpressionAttributeValues contains invalid value: missing value for key ${name}`,
      );
    storedValues[name] = toStored(value);
  }
  const scope: Scope = { names: names ?? {}, values: storedValues };
  return { ...parsed, scope };
}

type ParsedExpressions = {
  condition?: Parsed<Condition>;
  filter?: Parsed<Condition>;
  keyCondition?: Parsed<Condition>;
  update?: Parsed<Update>;
  projection?: Parsed<Path[]>;
};

const NO_EXPRESSIONS: ParsedExpressions & { scope: Scope } = Object.freeze({
  scope: Object.freeze({ names: {}, values: {} }),
});

const together = new Map<string, { parsed: ParsedExpressions; names: Set<string>; values: Set<string> }>();

/** The expressions of one request parsed, with the placeholders they use between them (cached by their texts). */
function parsedTogether(expressions: Expressions) {
  const key = `${expressions.condition}\u0000${expressions.filter}\u0000${expressions.keyCondition}\u0000${expressions.update}\u0000${expressions.projection}`;
  const hit = together.get(key);
  if (hit) return hit;
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
  const entry = {
    parsed,
    names: new Set(all.flatMap((p) => [...p.names])),
    values: new Set(all.flatMap((p) => [...p.values])),
  };
  // Expressions are built from a small set of shapes; the bound only guards against a caller that inlines values.
  if (together.size >= 10_000) together.clear();
  together.set(key, entry);
  return entry;
}

/** A key as the single table defines it: exactly `pk` and `sk`, both non-empty strings. */
export function keyOf(key: Record<string, unknown> | undefined, what = 'key'): { pk: string; sk: string } {
  const pk = key?.pk;
  const sk = key?.sk;
  if (typeof pk !== 'string' || typeof sk !== 'string' || Object.keys(key ?? {}).length !== 2)
    throw validationError(`The provided ${what} element does not match the schema`);
  if (pk === '' || sk === '')
    throw validationError(
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value.',
    );
  return { pk, sk };
}

export function itemKey(item: Item): { pk: string; sk: string } {
  for (const name of ['pk', 'sk'])
    if (!(name in item))
      throw validationError(`One or more parameter values were invalid: Missing the key ${name} in the item`);
  return keyOf({ pk: item.pk, sk: item.sk }, 'item key');
}
