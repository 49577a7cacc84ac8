import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod';
import { parseConfig } from '#config/load';
import type { Config } from '#config/schema';
import type { CompiledTemplates } from '#core/journeys/render-message';

/**
 * The playbook config a deployed function runs with. The ChurnGuard construct validates `props.config` at synth
 * and writes it into each function's asset as `churnguard.json` (infra/constructs/function-bundle.ts), beside
 * index.mjs; the functions that render email also get their templates compiled to HTML there. The construct
 * points CHURNGUARD_CONFIG_FILE at that file; the function reads and validates it once, at cold start.
 */
export const CONFIG_FILE_ENV = 'CHURNGUARD_CONFIG_FILE';
export const BUNDLE_FILE_NAME = 'churnguard.json';

export interface FunctionBundle {
  config: Config;
  /** HTML of every template, compiled when the function was bundled (only where email is rendered). */
  templates?: CompiledTemplates;
}

const compiledTemplate = z.object({ html: z.string(), htmlWithUnsubscribe: z.string() });
const bundleFile = z.object({
  config: z.unknown(),
  templates: z.record(z.string(), compiledTemplate).optional(),
});

export class BundledConfigError extends Error {
  constructor(file: string, problems: string) {
    super(`Invalid bundled config ${file}: ${problems}`);
    this.name = 'BundledConfigError';
  }
}

/**
 * Reads and validates the bundle file named by CHURNGUARD_CONFIG_FILE (relative to LAMBDA_TASK_ROOT, else the
 * working directory); undefined when the variable is not set (tests and the local runtime pass config directly).
 * Any problem throws BundledConfigError with the file and, for the config, every path and reason.
 */
export function readFunctionBundle(
  env: NodeJS.ProcessEnv = process.env,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): FunctionBundle | undefined {
  const name = env[CONFIG_FILE_ENV];
  if (!name) return undefined;
  const file = isAbsolute(name) ? name : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), name);
  let json: unknown;
  try {
    json = JSON.parse(readText(file));
  } catch (error) {
    throw new BundledConfigError(file, error instanceof Error ? error.message : String(error));
  }
  const shape = bundleFile.safeParse(json);
  if (!shape.success) {
    const problems = shape.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new BundledConfigError(file, problems.join('; '));
  }
  const parsed = parseConfig(shape.data.config);
  if (!parsed.ok) {
    const problems = parsed.errors.map((e) => `config.${e.path}: ${e.message}`).join('; ');
    throw new BundledConfigError(file, problems);
  }
  return {
    config: parsed.config,
    ...(shape.data.templates ? { templates: shape.data.templates } : {}),
  };
}

let loaded: { bundle: FunctionBundle | undefined } | undefined;

/** This function's bundle, read once per cold start (see readFunctionBundle). */
export function functionBundle(): FunctionBundle | undefined {
  loaded ??= { bundle: readFunctionBundle() };
  return loaded.bundle;
}
