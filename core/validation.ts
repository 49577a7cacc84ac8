import * as z from 'zod';
import { illFormedMessage } from './ids.ts';
import { isWellFormed } from './text.ts';

/**
 * DynamoDB stores numbers from 1e-130 to 1e125 in magnitude (a smaller one, such as 5e-324, is refused); values are
 * also summed into rollups. A bound far beyond any real metric or amount keeps every accepted number storable.
 */
export const MAX_MAGNITUDE = 1e12;
export const MIN_MAGNITUDE = 1e-9;
export const storableNumber = z
  .number()
  .finite()
  .refine((v) => Math.abs(v) <= MAX_MAGNITUDE, `must be between -${MAX_MAGNITUDE} and ${MAX_MAGNITUDE}`)
  .refine(
    (v) => v === 0 || Math.abs(v) >= MIN_MAGNITUDE,
    `must be 0 or at least ${MIN_MAGNITUDE} in magnitude`,
  );

export interface FieldError {
  path: string;
  message: string;
}

/** Renders a zod path the way a person writes it: `accounts[2].csm.email`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Every string and object key in a parsed JSON value that is not well-formed Unicode, by path (at most `limit`).
 * Walked without recursion, so a deeply nested body cannot exhaust the stack.
 */
export function illFormedText(
  value: unknown,
  root: ReadonlyArray<PropertyKey> = [],
  limit = 10,
): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: ReadonlyArray<PropertyKey> }[] = [{ value, path: root }];
  while (stack.length > 0 && errors.length < limit) {
    const { value: current, path } = stack.pop() as { value: unknown; path: ReadonlyArray<PropertyKey> };
    if (typeof current === 'string') {
      if (!isWellFormed(current)) errors.push({ path: formatPath(path), message: illFormedMessage(current) });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, i] });
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        if (!isWellFormed(key)) {
          errors.push({ path: formatPath([...path, key]), message: `(a key) ${illFormedMessage(key)}` });
          continue;
        }
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return errors;
}
