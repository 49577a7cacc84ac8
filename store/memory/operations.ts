import type { CancellationReason, ReturnValue } from '@aws-sdk/client-dynamodb';
import { conditionFailed, transactionCanceled, validationError } from './errors.ts';
import { applyUpdate, holds, projector, type Scope } from './expression-eval.ts';
import { type Condition, conditionPaths, type Parsed, type Path } from './expression-parser.ts';
import { readCopy } from './read-copies.ts';
import { itemKey, KeySet, keyOf, type Placeholders, type Prepared, prepare } from './requests.ts';
import { bound, type MemoryTable, type SortKeyRange, type Stored } from './table.ts';
import {
  copyItem,
  type Holding,
  type Item,
  itemSize,
  settle,
  sizeAsIs,
  toStored,
  utf8Length,
  type Value,
  valueSize,
} from './values.ts';

const MAX_ITEM_BYTES = 400 * 1024;
const PAGE_BYTES = 1024 * 1024;

export interface WriteRequest extends Placeholders {
  ConditionExpression?: string;
  ReturnValues?: ReturnValue | string;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE' | string;
}

/**
 * One write, split into `check` (the condition, and the new item computed from the current one) and `commit`,
 * so a transaction can check every write before it commits any: nothing is half-written.
 */
export interface PlannedWrite {
  pk: string;
  sk: string;
  /** Returns the reason it cannot be written, or undefined when it can. */
  check(): 'ConditionalCheckFailed' | undefined;
  commit(): { attributes?: Item; units: number };
  old(): Item | undefined;
}

const writeUnits = (...sizes: number[]) => Math.max(1, Math.ceil(Math.max(...sizes) / 1024));
export const readUnits = (bytes: number, consistent: boolean | undefined) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** `size` is the item's size when known already (a map's valueSize counts 3 more than itemSize). */
function stored(item: Item, mutable: boolean, mapSize?: number): Stored {
  return sized(item, mapSize === undefined ? itemSize(item) : mapSize - 3, mutable);
}

function sized(item: Item, size: number, mutable: boolean): Stored {
  if (size > MAX_ITEM_BYTES) throw validationError('Item size has exceeded the maximum allowed size');
  return { item, size, mutable };
}

const attributeSize = (name: string, value: Value | undefined) =>
  value === undefined ? 0 : utf8Length(name) + valueSize(value);

/**
 * An update's result as stored. Its untouched attributes are the stored item's own values (frozen, measured, and
 * free of sets and binaries unless the item held one), so only the touched ones are settled and measured: a rollup
 * that gains a count costs that count, not the whole item.
 */
function storedUpdate(before: Stored | undefined, after: Item, touched: ReadonlySet<string>): Stored {
  if (!before || before.mutable) return stored(after, settle(after));
  let size = before.size;
  let mutable = false;
  for (const name of touched) {
    const value = after[name];
    if (value !== undefined && settle(value)) mutable = true;
    size += attributeSize(name, value) - attributeSize(name, before.item[name]);
  }
  Object.freeze(after);
  return sized(after, size, mutable);
}

/**
 * A stored item for a caller: the stored item itself, frozen all through, so reading costs nothing and no caller
 * can change what is stored (a write to it throws); a deep, unfrozen copy when it holds sets or binaries. Unlike
 * DynamoDB's, items read here cannot be changed in place: store code builds new values from what it reads.
 */
export function readItem(found: Stored): Item {
  return found.mutable ? readCopy(found.item) : found.item;
}

function conditionHolds(
  condition: { tree: Condition } | undefined,
  current: Stored | undefined,
  scope: Scope,
) {
  return !condition || holds(condition.tree, current?.item, scope);
}

/**
 * What every write shares: its key, its condition, and the item as its check found it. A commit follows its check
 * with nothing run between them (a request runs to completion, and a transaction or batch never holds two writes
 * of one item), so the item the check read is the one the commit replaces; a commit without a check (a batch's
 * put or delete, which has no condition) reads it then. A class rather than closures: the simulator plans a
 * write for every item it writes.
 */
abstract class KeyedWrite implements PlannedWrite {
  private found: Stored | undefined;
  private checked = false;

  constructor(
    protected readonly table: MemoryTable,
    readonly pk: string,
    readonly sk: string,
    protected readonly condition: Parsed<Condition> | undefined,
    protected readonly scope: Scope,
  ) {}

  old(): Item | undefined {
    return this.table.get(this.pk, this.sk)?.item;
  }

  check(): 'ConditionalCheckFailed' | undefined {
    const before = this.table.get(this.pk, this.sk);
    if (!conditionHolds(this.condition, before, this.scope)) return 'ConditionalCheckFailed';
    this.found = before;
    this.checked = true;
    this.planned(before);
    return undefined;
  }

  commit(): { attributes?: Item; units: number } {
    return this.write(this.checked ? this.found : this.table.get(this.pk, this.sk));
  }

  /** What the write computes from the item its check found (an update's new item). */
  protected planned(_before: Stored | undefined): void {}

  protected abstract write(before: Stored | undefined): { attributes?: Item; units: number };
}

/** A put's or delete's answer: its units, and the item it replaced when asked for (ALL_OLD). */
const withOld = (input: WriteRequest, before: Stored | undefined, units: number) =>
  input.ReturnValues === 'ALL_OLD' && before ? { attributes: readItem(before), units } : { units };

class PutWrite extends KeyedWrite {
  constructor(
    table: MemoryTable,
    private readonly input: WriteRequest,
    private readonly next: Stored,
    key: { pk: string; sk: string },
  ) {
    const { condition, scope } = prepare(input, { condition: input.ConditionExpression });
    super(table, key.pk, key.sk, condition, scope);
  }

  protected write(before: Stored | undefined) {
    this.table.set(this.pk, this.sk, this.next);
    return withOld(this.input, before, writeUnits(this.next.size, before?.size ?? 0));
  }
}

class DeleteWrite extends KeyedWrite {
  constructor(
    table: MemoryTable,
    private readonly input: WriteRequest,
    key: { pk: string; sk: string },
    { condition, scope }: Prepared,
  ) {
    super(table, key.pk, key.sk, condition, scope);
  }

  protected write(before: Stored | undefined) {
    this.table.delete(this.pk, this.sk);
    return withOld(this.input, before, writeUnits(before?.size ?? 0));
  }
}

class ConditionCheck extends KeyedWrite {
  protected write(before: Stored | undefined) {
    return { units: writeUnits(before?.size ?? 0) };
  }
}

export function planPut(
  table: MemoryTable,
  input: WriteRequest & { Item?: Record<string, unknown> },
): PlannedWrite {
  if (!input.Item) throw validationError('Item is required');
  // An item frozen all through by its writer (store/parse-item.ts) is stored as it is: one walk checks and sizes it.
  const asIs = sizeAsIs(input.Item);
  const holding: Holding = { mutable: false };
  const item = (asIs >= 0 ? input.Item : toStored(input.Item, holding)) as Item;
  const key = itemKey(item);
  return new PutWrite(table, input, stored(item, holding.mutable, asIs >= 0 ? asIs : undefined), key);
}

/** `prepared`: the request's expressions, when its caller parsed them already (a PartiQL statement's). */
export function planDelete(
  table: MemoryTable,
  input: WriteRequest & { Key?: Record<string, unknown> },
  prepared?: Prepared,
): PlannedWrite {
  const key = keyOf(input.Key);
  return new DeleteWrite(
    table,
    input,
    key,
    prepared ?? prepare(input, { condition: input.ConditionExpression }),
  );
}

export function planConditionCheck(
  table: MemoryTable,
  input: WriteRequest & { Key?: Record<string, unknown> },
): PlannedWrite {
  if (!input.ConditionExpression) throw validationError('ConditionCheck requires a ConditionExpression');
  const { pk, sk } = keyOf(input.Key);
  const { condition, scope } = prepare(input, { condition: input.ConditionExpression });
  return new ConditionCheck(table, pk, sk, condition, scope);
}

function pick(item: Item, names: Set<string>): Item {
  const out: Item = {};
  for (const name of names) if (name in item) out[name] = item[name] as Value;
  return copyItem(out);
}

class UpdateWrite extends KeyedWrite {
  private after: Item | undefined;
  private touched: Set<string> = NOTHING_TOUCHED;

  constructor(
    table: MemoryTable,
    private readonly input: WriteRequest,
    key: { pk: string; sk: string },
    prepared: Prepared,
    private readonly update = prepared.update,
  ) {
    super(table, key.pk, key.sk, prepared.condition, prepared.scope);
  }

  protected override planned(before: Stored | undefined): void {
    const { pk, sk } = this;
    if (this.update) {
      const { after, touched } = applyUpdate(this.update.tree, before?.item, { pk, sk }, this.scope);
      this.after = after;
      this.touched = touched;
    } else this.after = Object.assign({}, before?.item, { pk, sk });
  }

  override commit(): { attributes?: Item; units: number } {
    if (!this.after) throw new Error('planUpdate: commit without a check of the item');
    return super.commit();
  }

  protected write(before: Stored | undefined) {
    const { input, touched } = this;
    const next = storedUpdate(before, this.after as Item, touched);
    this.table.set(this.pk, this.sk, next);
    const attributes =
      input.ReturnValues === 'ALL_NEW'
        ? readItem(next)
        : input.ReturnValues === 'ALL_OLD'
          ? before && readItem(before)
          : input.ReturnValues === 'UPDATED_NEW'
            ? pick(next.item, touched)
            : input.ReturnValues === 'UPDATED_OLD' && before
              ? pick(before.item, touched)
              : undefined;
    const units = writeUnits(next.size, before?.size ?? 0);
    return attributes && Object.keys(attributes).length ? { attributes, units } : { units };
  }
}

const NOTHING_TOUCHED: Set<string> = new Set();

/** `prepared`: the request's expressions, when its caller parsed them already (a PartiQL statement's). */
export function planUpdate(
  table: MemoryTable,
  input: WriteRequest & { Key?: Record<string, unknown>; UpdateExpression?: string },
  prepared?: Prepared,
): PlannedWrite {
  const key = keyOf(input.Key);
  return new UpdateWrite(
    table,
    input,
    key,
    prepared ?? prepare(input, { condition: input.ConditionExpression, update: input.UpdateExpression }),
  );
}

/** A single write: its condition failing is a ConditionalCheckFailedException (with the item when asked). */
export function writeOne(write: PlannedWrite, input: WriteRequest) {
  if (write.check()) {
    const error = conditionFailed();
    const old = write.old();
    if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old) error.Item = copyItem(old) as never;
    throw error;
  }
  return write.commit();
}

function cancellation(write: PlannedWrite | undefined, input: WriteRequest | undefined): CancellationReason {
  const old = write?.old();
  return {
    Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed',
    ...(input?.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old
      ? { Item: copyItem(old) as never }
      : {}),
  };
}

/** All the writes or none: every condition is checked first; any failure cancels the whole transaction. */
export function writeAll(writes: PlannedWrite[], inputs: WriteRequest[]) {
  const keys = new KeySet();
  for (const w of writes)
    if (!keys.add(w.pk, w.sk))
      throw validationError('Transaction request cannot include multiple operations on one item');
  // Every write is checked, even after one fails: a later one's invalid update refuses the request instead.
  const failed = writes.map((write) => write.check() !== undefined);
  if (failed.includes(true))
    throw transactionCanceled(
      failed.map((fails, i) => (fails ? cancellation(writes[i], inputs[i]) : { Code: 'None' })),
    );
  return writes.reduce((units, write) => units + write.commit().units * 2, 0);
}

export interface ReadRequest extends Placeholders {
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
}

/** Reads items by key as one request asks (its projection and consistency), its expressions prepared once for all keys. */
export function keyReader(table: MemoryTable, input: ReadRequest) {
  const { projection, scope } = prepare(input, { projection: input.ProjectionExpression });
  const project = projection && projector(projection.tree, scope);
  return (key: Record<string, unknown> | undefined) => {
    const { pk, sk } = keyOf(key);
    const found = table.get(pk, sk);
    return {
      item: found && (project ? project(found.item, !found.mutable) : readItem(found)),
      units: readUnits(found?.size ?? 0, input.ConsistentRead),
    };
  };
}

export const getOne = (table: MemoryTable, input: ReadRequest & { Key?: Record<string, unknown> }) =>
  keyReader(table, input)(input.Key);

export interface QueryRequest extends ReadRequest {
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ScanIndexForward?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Record<string, unknown>;
  Select?: string;
  IndexName?: string;
}

/** The parts of a key condition joined by AND, in order. */
function conjuncts(condition: Condition, parts: Condition[] = []): Condition[] {
  if (condition.kind !== 'and') parts.push(condition);
  else {
    conjuncts(condition.left, parts);
    conjuncts(condition.right, parts);
  }
  return parts;
}

/** The top-level attribute an operand names, its placeholder resolved; undefined for anything else. */
function keyAttribute(operand: { kind: string; path?: { name?: string; index?: number }[] }, scope: Scope) {
  const segment = operand.kind === 'path' && operand.path?.length === 1 ? operand.path[0] : undefined;
  const name = segment?.name;
  return name?.startsWith('#') ? scope.names[name] : name;
}

function keyValue(operand: { kind: string; ref?: string }, scope: Scope): string {
  const v = operand.kind === 'value' ? scope.values[operand.ref as string] : undefined;
  if (typeof v !== 'string')
    throw validationError('Query key condition values must be strings for this table');
  return v;
}

/** The partition and sort-key range a key condition selects; anything else in it is refused, as DynamoDB does. */
function keyRange(condition: Condition, scope: Scope): { pk: string; range: SortKeyRange } {
  let pk: string | undefined;
  let range: SortKeyRange = { kind: 'all' };
  for (const part of conjuncts(condition)) {
    if (part.kind === 'compare' && keyAttribute(part.left, scope) === 'pk' && part.op === '=')
      pk = keyValue(part.right, scope);
    else if (part.kind === 'compare' && keyAttribute(part.left, scope) === 'sk' && part.op !== '<>')
      range = { kind: part.op, value: keyValue(part.right, scope) };
    else if (part.kind === 'between' && keyAttribute(part.operand, scope) === 'sk')
      range = { kind: 'between', low: keyValue(part.low, scope), high: keyValue(part.high, scope) };
    else if (
      part.kind === 'function' &&
      part.name === 'begins_with' &&
      part.args[0] &&
      part.args[1] &&
      keyAttribute(part.args[0], scope) === 'sk'
    )
      range = { kind: 'begins_with', prefix: keyValue(part.args[1], scope) };
    else throw validationError('Query key condition not supported');
  }
  if (pk === undefined) throw validationError('Query condition missed key schema element: pk');
  return { pk, range };
}

export interface Page {
  items: Item[];
  count: number;
  scanned: number;
  lastKey?: Item;
  units: number;
}

/**
 * Reads items in order until Limit or 1 MB, then filters and projects them, as one DynamoDB page does.
 * `next` gives the next candidate, undefined after the last (a pull rather than a generator: a Query of a
 * partition's rollups pays per item, and scoring reads 180 of them per account).
 */
function page(
  next: () => Stored | undefined,
  input: QueryRequest,
  filter: { tree: Condition } | undefined,
  projection: { tree: Path[] } | undefined,
  scope: Scope,
): Page {
  const items: Item[] = [];
  let count = 0;
  let scanned = 0;
  let bytes = 0;
  let last: Stored | undefined;
  let stopped = false;
  const project = projection && projector(projection.tree, scope);
  for (let candidate = next(); candidate !== undefined; candidate = next()) {
    // Like DynamoDB, a page that reaches Limit has a LastEvaluatedKey even when nothing follows it.
    if (input.Limit !== undefined && scanned >= input.Limit) {
      stopped = true;
      break;
    }
    if (scanned > 0 && bytes + candidate.size > PAGE_BYTES) {
      stopped = true;
      break;
    }
    scanned++;
    bytes += candidate.size;
    last = candidate;
    if (filter && !holds(filter.tree, candidate.item, scope)) continue;
    count++;
    if (input.Select !== 'COUNT')
      items.push(project ? project(candidate.item, !candidate.mutable) : readItem(candidate));
  }
  if (input.Limit !== undefined && scanned >= input.Limit) stopped = true;
  return {
    items,
    count,
    scanned,
    units: readUnits(bytes, input.ConsistentRead),
    ...(stopped && last ? { lastKey: { pk: last.item.pk as Value, sk: last.item.sk as Value } } : {}),
  };
}

/** The top-level attributes (or their placeholders) a condition reads whole, by parsed condition (those are cached). */
const attributesReadBy = new WeakMap<Condition, string[]>();

function attributesRead(condition: Condition): string[] {
  let names = attributesReadBy.get(condition);
  if (!names) {
    names = [];
    for (const path of conditionPaths(condition))
      if (path.length === 1 && path[0] && 'name' in path[0]) names.push(path[0].name);
    attributesReadBy.set(condition, names);
  }
  return names;
}

export function query(table: MemoryTable, input: QueryRequest): Page {
  if (input.IndexName)
    throw validationError(`The table does not have the specified index: ${input.IndexName}`);
  if (!input.KeyConditionExpression) throw validationError('KeyConditionExpression is required');
  const { keyCondition, filter, projection, scope } = prepare(input, {
    keyCondition: input.KeyConditionExpression,
    filter: input.FilterExpression,
    projection: input.ProjectionExpression,
  });
  const { pk, range } = keyRange((keyCondition as { tree: Condition }).tree, scope);
  for (const first of filter ? attributesRead(filter.tree) : []) {
    const name = first.startsWith('#') ? scope.names[first] : first;
    if (name === 'pk' || name === 'sk')
      throw validationError(
        `Filter Expression can only contain non-primary key attributes: Primary key attribute: ${name}`,
      );
  }
  // Read in place: the page below runs to its end before anything else can write, as one DynamoDB request does.
  const start = input.ExclusiveStartKey ? keyOf(input.ExclusiveStartKey, 'ExclusiveStartKey') : undefined;
  const span = table.span(pk, range);
  if (!span) return page(() => undefined, input, filter, projection, scope);
  const { keys, ordered } = span;
  let { from, to } = span;
  const forward = input.ScanIndexForward !== false;
  if (start && forward) from = Math.max(from, bound(keys, start.sk, true));
  if (start && !forward) to = Math.min(to, bound(keys, start.sk, false));
  return page(
    forward ? () => (from < to ? ordered[from++] : undefined) : () => (to > from ? ordered[--to] : undefined),
    input,
    filter,
    projection,
    scope,
  );
}

export function scan(table: MemoryTable, input: QueryRequest): Page {
  const { filter, projection, scope } = prepare(input, {
    filter: input.FilterExpression,
    projection: input.ProjectionExpression,
  });
  const start = input.ExclusiveStartKey ? keyOf(input.ExclusiveStartKey, 'ExclusiveStartKey') : undefined;
  function* candidates() {
    let skipping = start !== undefined;
    for (const entry of table.entries()) {
      if (!skipping) yield entry;
      else if (entry.item.pk === start?.pk && entry.item.sk === start?.sk) skipping = false;
    }
  }
  const entries = candidates();
  return page(() => entries.next().value ?? undefined, input, filter, projection, scope);
}
