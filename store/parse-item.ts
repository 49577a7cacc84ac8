import type { z } from 'zod';
import { fieldErrors } from '#core/validation';
import { copiedFrom } from './memory/read-copies.ts';
import { equal, type Item as StoredItem } from './memory/values.ts';

/** A stored item that no longer matches its schema: a bug or a hand edit, named so it can be found and fixed. */
export class InvalidStoredItemError extends Error {
  constructor(what: string, problems: string) {
    super(`stored ${what} is not valid: ${problems}`);
    this.name = 'InvalidStoredItemError';
  }
}

/**
 * Items this process wrote, each with the schema and the value it holds. The in-memory store adapter keeps an item
 * that arrives frozen as it is (store/memory/values.ts) and hands that same object to every reader, so a read that
 * gets one of these objects back gets what this code wrote, and needs no second check: the value was built by the
 * code, typed, not read from outside. Any other item (every item DynamoDB returns, an item changed since) is parsed.
 */
const written = new WeakMap<object, { schema: z.ZodType<unknown>; value: unknown }>();

/**
 * Freezes a value all through, in place. The in-memory store adapter stores a frozen item as it is, without the deep
 * copy it makes of anything else (store/memory/values.ts), and DynamoDB's client only reads what it is given.
 */
export function freezeAll(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (Array.isArray(value)) for (const inner of value) freezeAll(inner);
  else for (const name in value) freezeAll((value as Record<string, unknown>)[name]);
  Object.freeze(value);
}

/**
 * The item to write for a value of `schema` (its key and kind around the value), frozen all through together with
 * the value, and remembered: read back as this very object, it parses to `value` without a check (see `written`).
 * The value is frozen in place: what was written cannot change under the table, nor under its readers.
 */
export function writtenItem<T extends object>(
  schema: z.ZodType<T>,
  value: T,
  around: Record<string, unknown>,
): Record<string, unknown> {
  const item = Object.assign(around, value);
  freezeAll(value);
  freezeAll(item);
  written.set(item, { schema, value });
  return item;
}

/** The stored item an in-memory read copied, while the copy still holds what the stored item holds. */
function unchangedSource(item: object): object | undefined {
  const source = copiedFrom(item);
  return source && equal(item as StoredItem, source) ? source : undefined;
}

/** Whether a value is made of primitives, plain objects and arrays only. */
function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const name in value) if (!isPlainData((value as Record<string, unknown>)[name])) return false;
  return true;
}

/** Parses an item read from the table; what was stored is checked like any other input, never cast. */
export function parseItem<T>(schema: z.ZodType<T>, item: unknown, what: string): T {
  if (typeof item === 'object' && item !== null) {
    const source = unchangedSource(item);
    const known = written.get(source ?? item);
    // The value was registered under this very schema, so it is a T.
    if (known?.schema === schema) return known.value as T;
    // A copy the in-memory store made of a stored item, as it was made: what the stored item parses to is what the
    // copy does. Kept for the next read when it is plain data that readers may share (no set, date or other
    // object of a class: one of those could be the stored item's own).
    const fromSource = source && schema.safeParse(source);
    if (fromSource?.success && isPlainData(fromSource.data)) {
      written.set(source as object, { schema, value: fromSource.data });
      return fromSource.data;
    }
  }
  const parsed = schema.safeParse(item);
  if (parsed.success) {
    // A frozen item cannot change (the in-memory store hands out its stored items frozen): parsed once, it is
    // recognised on the next read like an item this process wrote.
    if (typeof item === 'object' && item !== null && Object.isFrozen(item))
      written.set(item, { schema, value: parsed.data });
    return parsed.data;
  }
  const problems = fieldErrors(parsed.error)
    .slice(0, 5)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
  throw new InvalidStoredItemError(what, problems);
}
