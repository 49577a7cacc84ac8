import { validationError } from './errors.ts';
import type { Scope } from './expression-eval.ts';
import { type Parsed, parseCondition, parseProjection, parseUpdate } from './expression-parser.ts';
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
export function prepare(request: Placeholders, expressions: Expressions) {
  const parsed = {
    condition: expressions.condition === undefined ? undefined : parseCondition(expressions.condition),
    filter: expressions.filter === undefined ? undefined : parseCondition(expressions.filter),
    keyCondition:
      expressions.keyCondition === undefined ? undefined : parseCondition(expressions.keyCondition),
    update: expressions.update === undefined ? undefined : parseUpdate(expressions.update),
    projection: expressions.projection === undefined ? undefined : parseProjection(expressions.projection),
  };
  const all: Parsed<unknown>[] = Object.values(parsed).filter((p) => p !== undefined);
  const names = request.ExpressionAttributeNames;
  const values = request.ExpressionAttributeValues;
  if (names && Object.keys(names).length === 0)
    throw validationError('ExpressionAttributeNames must not be empty');
  if (values && Object.keys(values).length === 0)
    throw validationError('ExpressionAttributeValues must not be empty');
  const unusedNames = Object.keys(names ?? {}).filter((n) => !all.some((p) => p.names.has(n)));
  if (unusedNames.length)
    throw validationError(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  const unusedValues = Object.keys(values ?? {}).filter((v) => !all.some((p) => p.values.has(v)));
  if (unusedValues.length)
    throw validationError(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
    );
  const storedValues: Item = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value === undefined)
      throw validationError(
        `ExpressionAttributeValues contains invalid value: missing value for key ${name}`,
      );
    storedValues[name] = toStored(value);
  }
  const scope: Scope = { names: names ?? {}, values: storedValues };
  return { ...parsed, scope };
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
