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

/**
 * Statement texts by their shape (the table, each clause's names, the condition), one part after the other, so
 * that thousands of writes of a few shapes share a text built once; one text object for each shape is also what
 * a store that reads statements (the in-memory adapter) finds again without reading the text.
 */
class Shape {
  private readonly next = new Map<ShapePart, Shape>();
  private text: string | undefined;

  /** The shape this one continues into with `part`. */
  followedBy(part: ShapePart): Shape {
    let next = this.next.get(part);
    if (!next) {
      next = new Shape();
      this.next.set(part, next);
      shapeCount++;
    }
    return next;
  }

  followedByAll(parts: readonly ShapePart[]): Shape {
    let shape: Shape = this;
    for (const part of parts) shape = shape.followedBy(part);
    return shape;
  }

  textOf(build: () => string): string {
    this.text ??= build();
    return this.text;
  }
}

let shapes = new Shape();
let shapeCount = 0;
const SHAPES_KEPT = 10_000;

/** Where a statement's shape starts; bounded against a caller whose names are data rather than the store's own. */
function shapeOf(verb: string, tableName: string): Shape {
  if (shapeCount > SHAPES_KEPT) {
    shapes = new Shape();
    shapeCount = 0;
  }
  return shapes.followedBy(verb).followedBy(tableName);
}

/** `INSERT INTO "<table>" VALUE {'pk': ?, ...}`: stores the item unless its key is taken (DuplicateItem). */
export function insertStatement(tableName: string, item: Record<string, unknown>): WriteStatement {
  const names = Object.keys(item);
  return {
    Statement: shapeOf('INSERT', tableName)
      .followedByAll(names)
      .textOf(
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
  /** The whole item the update leaves, when the caller has it: what the statement is metered by (else key and set). */
  written?: Record<string, unknown>;
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
  const shape = shapeOf('UPDATE', tableName)
    .followedByAll(names)
    .followedBy(CLAUSE_END)
    .followedByAll(remove)
    .followedBy(CLAUSE_END)
    .followedBy(condition ?? CLAUSE_END);
  return {
    Statement: shape.textOf(build),
    Parameters: [
      ...names.map((name) => parts.set[name]),
      key.pk,
      key.sk,
      ...(parts.condition?.parameters ?? []),
    ],
    key,
    written: parts.written ?? { ...key, ...parts.set },
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
