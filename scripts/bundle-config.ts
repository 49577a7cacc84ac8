import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { parseConfig } from '#config/load';
import { compileTemplates } from '#core/journeys/render';
import type { FunctionBundle } from '#functions/shared/bundled-config';

/**
 * Writes a function's bundle file (functions/shared/bundled-config.ts): the validated config and, with
 * `--templates`, every template compiled from MJML to HTML with its placeholders kept for the runtime fill-in.
 * Run by the ChurnGuard construct after esbuild bundled the function (infra/constructs/function-bundle.ts):
 *
 *   node --import tsx scripts/bundle-config.ts --config <bundle.json> --out <asset>/churnguard.json [--templates]
 *
 * `--config` names a bundle file without templates (`{ "config": ... }`, as the construct writes it at synth).
 */
export async function bundleConfig(argv: string[]): Promise<FunctionBundle> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      templates: { type: 'boolean', default: false },
    },
  });
  if (!values.config || !values.out) {
    throw new Error('usage: bundle-config --config <bundle.json> --out <churnguard.json> [--templates]');
  }
  const input = z.object({ config: z.unknown() }).parse(JSON.parse(await readFile(values.config, 'utf8')));
  const parsed = parseConfig(input.config);
  if (!parsed.ok) {
    const problems = parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Error(`${values.config}: config is invalid: ${problems}`);
  }
  const bundle: FunctionBundle = {
    config: parsed.config,
    ...(values.templates
      ? { templates: await compileTemplates(parsed.config.templates, parsed.config.brand) }
      : {}),
  };
  await writeFile(values.out, JSON.stringify(bundle));
  return bundle;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await bundleConfig(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
