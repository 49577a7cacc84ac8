import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { type FieldError, fieldErrors } from '#core/validation';
import { crossFieldErrors } from './cross-checks.ts';
import { type Config, configSchema } from './schema.ts';

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
  const errors = unique([...(parsed.success ? [] : fieldErrors(parsed.error)), ...crossFieldErrors(input)]);
  if (parsed.success && errors.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, errors };
}

const fileError = (message: string): ConfigResult => ({ ok: false, errors: [{ path: '(file)', message }] });
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const configModule = z.looseObject({ default: z.unknown().refine((value) => value !== undefined) });

/**
 * Reads a config from a `.json` file, or from a module whose default export is the config (configuration
 * as code; `.ts` needs a TypeScript-aware runner such as tsx). YAML is not supported: it would need a new
 * dependency. The content is validated exactly like `parseConfig`.
 */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      return fileError(`cannot read ${path}: ${reason(error)}`);
    }
    try {
      return parseConfig(JSON.parse(text));
    } catch (error) {
      return fileError(`${path} is not valid JSON: ${reason(error)}`);
    }
  }
  if (MODULE_EXTENSIONS.includes(extension)) {
    try {
      const module: unknown = await import(pathToFileURL(resolve(path)).href);
      const exported = configModule.safeParse(module);
      if (!exported.success) return fileError(`${path} has no default export to read the config from`);
      return parseConfig(exported.data.default);
    } catch (error) {
      return fileError(`cannot load ${path}: ${reason(error)}`);
    }
  }
  return fileError(
    `${path}: use a .json file or a module (${MODULE_EXTENSIONS.join(', ')}); YAML is not supported`,
  );
}
