import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { type FieldError, fieldErrors } from '#core/validation';
import { crossFieldErrors } from './cross-checks.ts';
import { defaultConfig } from './default.ts';
import { applyOverrides, isInFile, pathsIn } from './overrides.ts';
import { type Config, configSchema } from './schema.ts';
import { templateVariableErrors } from './template-checks.ts';

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
    ...templateVariableErrors(input),
  ]);
  if (parsed.success && errors.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, errors };
}

/**
 * A config file's content: the settings that differ from `base` (the built-in default), laid over it by the rules
 * in config/overrides.ts and validated as a whole. A problem at a path the file does not set (the default's value
 * no longer fits the file's changes) says so.
 */
export function parseConfigOverrides(overrides: unknown, base: Config = defaultConfig): ConfigResult {
  const { merged, errors: patchErrors } = applyOverrides(base, overrides);
  if (merged === undefined) return { ok: false, errors: patchErrors };
  const parsed = parseConfig(merged);
  const inFile = pathsIn(overrides);
  const errors = [
    ...patchErrors,
    ...(parsed.ok ? [] : parsed.errors).map((error) =>
      isInFile(inFile, error.path)
        ? error
        : {
            ...error,
            message: `${error.message} (not in your file: the default's value, which your changes no longer fit)`,
          },
    ),
  ];
  return parsed.ok && errors.length === 0 ? parsed : { ok: false, errors };
}

/** The variable that names a config file for every command and `npm start` when none is given. */
export const CONFIG_ENV = 'CHURNGUARD_CONFIG';

/** The config file to use: the one given, else CHURNGUARD_CONFIG, else none (the built-in default). */
export function configFileFrom(given?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return given ?? (env[CONFIG_ENV] || undefined);
}

const fileError = (message: string): ConfigResult => ({ ok: false, errors: [{ path: '(file)', message }] });
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const configModule = z.looseObject({ default: z.unknown().refine((value) => value !== undefined) });

/**
 * Reads a config from a `.json` file, or from a module whose default export is the config (configuration
 * as code; `.ts` needs a TypeScript-aware runner such as tsx). YAML is not supported: it would need a new
 * dependency. The content holds what differs from the built-in default (`parseConfigOverrides`); a complete
 * config is an override too, of every setting.
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
      return parseConfigOverrides(JSON.parse(text));
    } catch (error) {
      return fileError(`${path} is not valid JSON: ${reason(error)}`);
    }
  }
  if (MODULE_EXTENSIONS.includes(extension)) {
    try {
      const module: unknown = await import(pathToFileURL(resolve(path)).href);
      const exported = configModule.safeParse(module);
      if (!exported.success) return fileError(`${path} has no default export to read the config from`);
      return parseConfigOverrides(exported.data.default);
    } catch (error) {
      return fileError(`cannot load ${path}: ${reason(error)}`);
    }
  }
  return fileError(
    `${path}: use a .json file or a module (${MODULE_EXTENSIONS.join(', ')}); YAML is not supported`,
  );
}
