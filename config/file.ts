import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { defaultConfig } from './default.ts';
import { type ConfigResult, parseConfig } from './load.ts';
import { applyOverrides, isInFile, pathsIn } from './overrides.ts';
import type { Config } from './schema.ts';

/**
 * Config files: what differs from the built-in default, laid over it (config/overrides.ts) and validated whole
 * (config/load.ts). The CLI, `npm start` and `cdk deploy -c configFile=...` read them; Lambda functions never do
 * (they get the merged config bundled), so this module stays out of their bundles.
 */

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
