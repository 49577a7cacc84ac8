import { z } from 'zod';

/**
 * Identifiers become parts of DynamoDB keys joined with `#`, so `#` and control characters are refused.
 */
export const entityId = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[^#\s\p{Cc}]+$/u, 'must not contain "#", whitespace or control characters');
