import type { Key } from './keys.ts';

/**
 * The PartiQL write statements the store sends in BatchExecuteStatement (store/statement-batch.ts), 25 to a
 * request: each carries its own condition and gets its own answer. Attribute names are the store's own (quoted),
 * values are always parameters. The in-memory store runs exactly these forms (store/memory/partiql-update.ts).
 */
export interface WriteStatement {
  Statement: string;
  Parameters: unknown[];
  /** The item's key: two statements on one item never go in one request (DynamoDB refuses the request). */
  key: Key;
  /** What the write units are metered by where DynamoDB reports none (DynamoDB Local): the item as written. */
  written: Record<string, unknown>;
}

/** Answers that settle a statement: written, or refused by its condition (`INSERT` of a taken key: DuplicateItem). */
export type StatementOutcome = 'written' | 'ConditionalCheckFailed' | 'DuplicateItem';

const quoted = (name: string) => `"${name}"`;

/** Where the names of one clause end and the next clause's begin, in a statement's shape. */
const CLAUSE_END = Symbol('clause end');
type ShapePart = string | typeof CLAUSE_END;

interface ShapeNode {
  next: Map<ShapePart, ShapeNode>;
  text?: string;
}

let shapes: ShapeNode = { next: new Map() };
let shapeCount = 0;
const SHAPES_KEPT = 10_000;

/**
 * The statement text of a shape (its table, clauses' names and condition), built once: thousands of writes share
 * a few shapes, and one text object for each is also what a store that reads statements (the in-memory adapter)
 * finds again without reading the text.
 */
function shapeText(parts: readonly ShapePart[], build: () => string): string {
  let node = shapes;
  for (const part of parts) {
    let next = node.next.get(part);
    if (!next) {
      next = { next: new Map() };
      node.next.set(part, next);
    }
    node = next;
  }
  if (node.text !== undefined) return node.text;
  // Bounded against a caller whose names are data rather than the store's own.
  if (++shapeCount > SHAPES_KEPT) {
    shapes = { next: new Map() };
    shapeCount = 0;
  }
  node.text = build();
  return node.text;
}

/** `INSERT INTO "<table>" VALUE {'pk': ?, ...}`: stores the item unless its key is taken (DuplicateItem). */
export function insertStatement(tableName: string, item: Record<string, unknown>): WriteStatement {
  const names = Object.keys(item);
  return {
    Statement: shapeText(
      ['INSERT', tableName, ...names],
      () => `INSERT INTO ${quoted(tableName)} VALUE {${names.map((name) => `'${name}': ?`).join(', ')}}`,
    ),
    Parameters: names.map((name) => item[name]),
    key: { pk: String(item.pk), sk: String(item.sk) },
    written: item,
  };
}

/** A condition on the item in PartiQL, with quoted names and `?` for each of its parameters, in order. */
export interface StatementCondition {
  text: string;
  parameters: unknown[];
}

export interface UpdateParts {
  set: Record<string, unknown>;
  remove?: readonly string[];
  condition?: StatementCondition;
}

/**
 * `UPDATE "<table>" SET "a" = ?, ... REMOVE "b" WHERE "pk" = ? AND "sk" = ? [AND (<condition>)]`. Unlike
 * UpdateItem, a PartiQL UPDATE never creates an item: an absent one answers ConditionalCheckFailed.
 */
export function updateStatement(tableName: string, key: Key, parts: UpdateParts): WriteStatement {
  const names = Object.keys(parts.set);
  const remove = parts.remove ?? [];
  const condition = parts.condition?.text;
  const build = () => {
    const clauses = [
      `SET ${names.map((name) => `${quoted(name)} = ?`).join(', ')}`,
      ...(remove.length > 0 ? [`REMOVE ${remove.map(quoted).join(', ')}`] : []),
    ];
    const where = `WHERE "pk" = ? AND "sk" = ?${condition !== undefined ? ` AND (${condition})` : ''}`;
    return `UPDATE ${quoted(tableName)} ${clauses.join(' ')} ${where}`;
  };
  const shape: ShapePart[] = [
    'UPDATE',
    tableName,
    ...names,
    CLAUSE_END,
    ...remove,
    CLAUSE_END,
    condition ?? CLAUSE_END,
  ];
  return {
    Statement: shapeText(shape, build),
    Parameters: [
      ...names.map((name) => parts.set[name]),
      key.pk,
      key.sk,
      ...(parts.condition?.parameters ?? []),
    ],
    key,
    written: { ...key, ...parts.set },
  };
}

/** `DELETE FROM "<table>" WHERE "pk" = ? AND "sk" = ? AND (<condition>)`: ConditionalCheckFailed when it fails. */
export function deleteStatement(tableName: string, key: Key, condition: StatementCondition): WriteStatement {
  return {
    Statement: `DELETE FROM ${quoted(tableName)} WHERE "pk" = ? AND "sk" = ? AND (${condition.text})`,
    Parameters: [key.pk, key.sk, ...condition.parameters],
    key,
    written: { ...key },
  };
}
