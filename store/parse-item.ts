import type { z } from 'zod';
import { fieldErrors } from '#core/validation';

/** A stored item that no longer matches its schema: a bug or a hand edit, named so it can be found and fixed. */
export class InvalidStoredItemError extends Error {
  constructor(what: string, problems: string) {
    super(`stored ${what} is not valid: ${problems}`);
    this.name = 'InvalidStoredItemError';
  }
}

/** Parses an item read from the table; what was stored is checked like any other input, never cast. */
export function parseItem<T>(schema: z.ZodType<T>, item: unknown, what: string): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const problems = fieldErrors(parsed.error)
    .slice(0, 5)
    .map((e) => `${e.path}: ${e.message}`)
    .join('; ');
  throw new InvalidStoredItemError(what, problems);
}
