import { validationError } from './errors.ts';
import type { Condition, Operand, Path, SetValue, Update } from './expression-parser.ts';
import { compare, copy, equal, type Item, typeOf, utf8Length, type Value } from './values.ts';

/** One request's placeholders: `#name` → attribute name, `:value` → value (already converted for storage). */
export interface Scope {
  names: Record<string, string>;
  values: Item;
}

type Resolved = (string | number)[];

function resolve(path: Path, scope: Scope): Resolved {
  return path.map((segment) => {
    if ('index' in segment) return segment.index;
    if (!segment.name.startsWith('#')) return segment.name;
    const name = scope.names[segment.name];
    if (name === undefined)
      throw validationError(
        `An expression attribute name used in the document path is not defined; attribute name: ${segment.name}`,
      );
    return name;
  });
}

function placeholderValue(ref: string, scope: Scope): Value {
  const value = scope.values[ref];
  if (value === undefined)
    throw validationError(
      `An expression attribute value used in expression is not defined; attribute value: ${ref}`,
    );
  return value;
}

function read(item: Item | undefined, path: Resolved): Value | undefined {
  let current: Value | undefined = item;
  for (const segment of path) {
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
    else if (Array.isArray(current) || current instanceof Set || current instanceof Uint8Array)
      return undefined;
    else current = Object.hasOwn(current, segment) ? (current as Item)[segment] : undefined;
  }
  return current;
}

function sizeOf(value: Value | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return utf8Length(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

function operandValue(operand: Operand, item: Item | undefined, scope: Scope): Value | undefined {
  if (operand.kind === 'value') return placeholderValue(operand.ref, scope);
  const value = read(item, resolve(operand.path, scope));
  return operand.kind === 'size' ? sizeOf(value) : value;
}

function ordered(a: Value | undefined, b: Value | undefined, test: (order: number) => boolean): boolean {
  if (a === undefined || b === undefined) return false;
  const order = compare(a, b);
  return order !== undefined && test(order);
}

/** Whether a condition (or filter, or key condition) holds for an item; `undefined` is an absent item. */
export function holds(condition: Condition, item: Item | undefined, scope: Scope): boolean {
  switch (condition.kind) {
    case 'and':
      return holds(condition.left, item, scope) && holds(condition.right, item, scope);
    case 'or':
      return holds(condition.left, item, scope) || holds(condition.right, item, scope);
    case 'not':
      return !holds(condition.operand, item, scope);
    case 'between': {
      const value = operandValue(condition.operand, item, scope);
      const low = operandValue(condition.low, item, scope);
      const high = operandValue(condition.high, item, scope);
      return ordered(value, low, (o) => o >= 0) && ordered(value, high, (o) => o <= 0);
    }
    case 'in': {
      const value = operandValue(condition.operand, item, scope);
      return (
        value !== undefined &&
        condition.list.some((candidate) => {
          const other = operandValue(candidate, item, scope);
          return other !== undefined && equal(value, other);
        })
      );
    }
    case 'compare': {
      const left = operandValue(condition.left, item, scope);
      const right = operandValue(condition.right, item, scope);
      switch (condition.op) {
        case '=':
          return left !== undefined && right !== undefined && equal(left, right);
        case '<>':
          // DynamoDB: an absent attribute is "not equal" to any value.
          return left === undefined || right === undefined || !equal(left, right);
        case '<':
          return ordered(left, right, (o) => o < 0);
        case '<=':
          return ordered(left, right, (o) => o <= 0);
        case '>':
          return ordered(left, right, (o) => o > 0);
        case '>=':
          return ordered(left, right, (o) => o >= 0);
      }
      return false;
    }
    case 'function':
      return holdsFunction(condition, item, scope);
  }
}

function holdsFunction(
  condition: Extract<Condition, { kind: 'function' }>,
  item: Item | undefined,
  scope: Scope,
) {
  const [first, second] = condition.args;
  if (!first || first.kind === 'value')
    throw validationError(`Invalid ConditionExpression: ${condition.name} takes a document path first`);
  const subject = operandValue(first, item, scope);
  const argument = second ? operandValue(second, item, scope) : undefined;
  switch (condition.name) {
    case 'attribute_exists':
      return subject !== undefined;
    case 'attribute_not_exists':
      return subject === undefined;
    case 'attribute_type':
      return subject !== undefined && typeof argument === 'string' && typeOf(subject) === argument;
    case 'begins_with':
      if (typeof subject === 'string' && typeof argument === 'string') return subject.startsWith(argument);
      if (subject instanceof Uint8Array && argument instanceof Uint8Array)
        return Buffer.from(subject).subarray(0, argument.byteLength).equals(argument);
      return false;
    case 'contains':
      if (argument === undefined) return false;
      if (typeof subject === 'string') return typeof argument === 'string' && subject.includes(argument);
      if (subject instanceof Set) return (subject as Set<unknown>).has(argument);
      if (Array.isArray(subject)) return subject.some((element) => equal(element, argument));
      return false;
  }
}

function setValue(value: SetValue, item: Item | undefined, scope: Scope): Value {
  switch (value.kind) {
    case 'operand': {
      const result = operandValue(value.operand, item, scope);
      if (result === undefined)
        throw validationError(
          'The provided expression refers to an attribute that does not exist in the item',
        );
      return result;
    }
    case 'if_not_exists':
      return read(item, resolve(value.path, scope)) ?? setValue(value.fallback, item, scope);
    case 'list_append': {
      const first = setValue(value.first, item, scope);
      const second = setValue(value.second, item, scope);
      if (!Array.isArray(first) || !Array.isArray(second))
        throw validationError('An operand in the update expression has an incorrect data type');
      return [...first, ...second];
    }
    case '+':
    case '-': {
      const left = setValue(value.left, item, scope);
      const right = setValue(value.right, item, scope);
      if (typeof left !== 'number' || typeof right !== 'number')
        throw validationError('An operand in the update expression has an incorrect data type');
      return value.kind === '+' ? left + right : left - right;
    }
  }
}

/** Writes (or, with `undefined`, removes) one path in a fresh copy of the containers along it. */
function write(item: Item, path: Resolved, value: Value | undefined): void {
  let container: Item | Value[] = item;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string | number;
    const next: Value | undefined = (container as Record<string | number, Value>)[segment];
    if (next === null || typeof next !== 'object' || next instanceof Set || next instanceof Uint8Array)
      throw validationError('The document path provided in the update expression is invalid for update');
    const copied: Item | Value[] = Array.isArray(next) ? [...next] : { ...(next as Item) };
    (container as Record<string | number, Value>)[segment] = copied;
    container = copied;
  }
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(container)) {
    if (typeof last !== 'number')
      throw validationError('The document path provided in the update expression is invalid for update');
    if (value === undefined) container.splice(last, 1);
    else if (last >= container.length) container.push(value);
    else container[last] = value;
  } else if (value === undefined) delete container[last];
  else container[last] = value;
}

const KEY_ATTRIBUTES = new Set(['pk', 'sk']);

/** The paths an update has written so far, and the top-level attributes they are in. */
interface Claimed {
  touched: Set<string>;
  paths: string[];
}

/** Whether path text `inner` is `outer` followed by `.` and more (without making `outer.`). */
const isWithin = (inner: string, outer: string) =>
  inner.length > outer.length && inner.charCodeAt(outer.length) === 46 && inner.startsWith(outer);

/** Claims a path for one action of an update: none may be a key attribute, nor overlap another's. */
function claim(path: Resolved, claimed: Claimed): Resolved {
  const top = String(path[0]);
  if (KEY_ATTRIBUTES.has(top))
    throw validationError(`Cannot update attribute ${top}. This attribute is part of the key`);
  const text = path.length === 1 ? top : path.join('.');
  for (const other of claimed.paths)
    if (other === text || isWithin(other, text) || isWithin(text, other))
      throw validationError(`Two document paths overlap with each other; ${other} and ${text}`);
  claimed.paths.push(text);
  claimed.touched.add(top);
  return path;
}

/**
 * An update applied to (a copy of) an item, every right-hand side read from the item as it was, as DynamoDB does.
 * Returns the new item and the top-level attributes the update touched (for UPDATED_OLD / UPDATED_NEW).
 */
export function applyUpdate(update: Update, before: Item | undefined, key: Item, scope: Scope) {
  // Object.assign rather than spreads: V8 spreads items of many shapes slowly (bench/simulate.ts).
  const after: Item = Object.assign({}, before, key);
  const claimed: Claimed = { touched: new Set<string>(), paths: [] };
  const sets = update.set.map((s) => ({
    path: claim(resolve(s.path, scope), claimed),
    value: setValue(s.value, before, scope),
  }));
  const removes = update.remove.map((p) => claim(resolve(p, scope), claimed));
  const adds = update.add.map((a) => ({
    path: claim(resolve(a.path, scope), claimed),
    value: placeholderValue(a.ref, scope),
  }));
  const deletes = update.delete.map((d) => ({
    path: claim(resolve(d.path, scope), claimed),
    value: placeholderValue(d.ref, scope),
  }));
  // A frozen value (a stored one, or a placeholder's) is stored as it is; only sets and new lists are copied.
  for (const { path, value } of sets) write(after, path, Object.isFrozen(value) ? value : copy(value));
  // Removing list elements by index from the highest down keeps the other indexes meaning what they said.
  for (const path of removes.sort((a, b) => Number(b[b.length - 1]) - Number(a[a.length - 1])))
    write(after, path, undefined);
  for (const { path, value } of adds) write(after, path, added(read(before, path), value));
  for (const { path, value } of deletes) {
    const current = read(before, path);
    if (current === undefined) continue;
    if (!(current instanceof Set) || !(value instanceof Set) || typeOf(current) !== typeOf(value))
      throw validationError('An operand in the update expression has an incorrect data type');
    const remaining = new Set([...current].filter((element) => !(value as Set<unknown>).has(element)));
    write(after, path, remaining.size ? (remaining as Set<string>) : undefined);
  }
  return { after, touched: claimed.touched };
}

function added(current: Value | undefined, value: Value): Value {
  if (typeof value === 'number') {
    if (current === undefined) return value;
    if (typeof current === 'number') return current + value;
  } else if (value instanceof Set) {
    if (current === undefined) return copy(value);
    if (current instanceof Set && typeOf(current) === typeOf(value))
      return new Set([...current, ...value] as string[]);
  }
  throw validationError('An operand in the update expression has an incorrect data type');
}

/**
 * A projection resolved once for a request: for each item, the attributes it names, in a fresh top level. The
 * values are the stored (frozen) ones when `shared`, else deep copies (an item holding sets or binaries).
 */
export function projector(paths: Path[], scope: Scope): (item: Item, shared: boolean) => Item {
  const resolved = paths.map((path) => resolve(path, scope));
  // A top-level attribute whose name no object inherits is read directly, without the own-property check.
  const direct = resolved.map((path) => path.length === 1 && typeof path[0] === 'string' && !(path[0] in {}));
  return (item, shared) => {
    const out: Item = {};
    for (let p = 0; p < resolved.length; p++) {
      const path = resolved[p] as Resolved;
      const value = direct[p] ? item[path[0] as string] : read(item, path);
      if (value === undefined) continue;
      let container: Item = out;
      for (let i = 0; i < path.length - 1; i++) {
        const key = String(path[i]);
        container[key] ??= {};
        container = container[key] as Item;
      }
      container[String(path[path.length - 1])] = shared ? value : copy(value);
    }
    return out;
  };
}
