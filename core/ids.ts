import * as z from 'zod';
import { isWellFormed, loneSurrogateAt } from './text.ts';

/**
 * DynamoDB's key limits (UTF-8 bytes): every id that becomes part of a key is bounded well inside them, so a key
 * built from it is always accepted and the limit can be named in the field error.
 */
export const PARTITION_KEY_BYTES = 2048;
export const SORT_KEY_BYTES = 1024;

/** What a rejected lone surrogate is told: why the text cannot be stored as sent. */
export function illFormedMessage(text: string): string {
  const at = loneSurrogateAt(text);
  const unit = text.charCodeAt(at).toString(16);
  return `must be well-formed Unicode: character ${at} is a lone surrogate (\\u${unit}), which DynamoDB would store as U+FFFD, so different values would become the same`;
}

/** Text that is stored as sent: well-formed Unicode (see illFormedMessage). */
export const wellFormedText = z.string().superRefine((text, ctx) => {
  if (!isWellFormed(text)) ctx.addIssue({ code: 'custom', message: illFormedMessage(text) });
});

/** Characters of an id that ends a sort key: at most 3 bytes each in UTF-8, so 768 bytes, inside the 1,024. */
export const KEY_ID_CHARS = 256;

export const keyIdTooLong = (max: number) =>
  `must be at most ${max} characters (it becomes part of a DynamoDB key, which holds at most ${SORT_KEY_BYTES} bytes)`;

/** An id that ends a sort key (`SIGNAL#<day>#<id>`, `TICKET#<id>`, `REVIEW#<id>`). */
export function keyId(max = KEY_ID_CHARS) {
  return wellFormedText.min(1, 'must not be empty').max(max, keyIdTooLong(max));
}

/**
 * Identifiers become parts of DynamoDB keys joined with `#`, so `#` and control characters are refused.
 */
export const entityId = wellFormedText
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[^#\s\p{Cc}]+$/u, 'must not contain "#", whitespace or control characters');
