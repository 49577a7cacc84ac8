import { type FieldError, fieldErrors } from '#core/validation';
import { crossFieldErrors } from './cross-checks.ts';
import { reviewProgrammeErrors } from './reviews-checks.ts';
import { type Config, configSchema } from './schema.ts';
import { templateVariableErrors } from './template-checks.ts';
import { tipErrors } from './tips-checks.ts';

/**
 * Validating a whole config (what Lambda functions do with the config bundled into them at cold start). Reading a
 * config file, which holds only what differs from the default, is config/file.ts.
 */

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: FieldError[] };

function unique(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates a whole configuration and reports every problem with its path, never only the first. */
export function parseConfig(input: unknown): ConfigResult {
  const parsed = configSchema.safeParse(input);
  const errors = unique([
    ...(parsed.success ? [] : fieldErrors(parsed.error)),
    ...crossFieldErrors(input),
    ...reviewProgrammeErrors(input),
    ...tipErrors(input),
    ...templateVariableErrors(input),
  ]);
  if (parsed.success && errors.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, errors };
}
