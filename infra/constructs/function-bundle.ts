import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Config } from '../../config/schema.ts';
import { BUNDLE_FILE_NAME, CONFIG_FILE_ENV } from '../../functions/shared/bundled-config.ts';

/**
 * How the playbook config reaches a deployed function: as a file in its asset, not in its environment or code.
 *
 * Not in the environment: Lambda environments hold 4 KB in total and the default config alone is ~9.5 KB.
 * Why a file written by a NodejsFunction `afterBundling` command hook rather than an esbuild `define`: a `define`
 * must be known when the construct builds the esbuild command, synchronously, but MJML compiles asynchronously,
 * which a bundling command can wait for; the compiled templates (~120 KB) plus the config would exceed Linux's
 * 128 KB limit on one command-line argument; and a define is JavaScript source in the bundle (counted in its
 * size, parsed as code), where a file is data parsed once as JSON. The file keeps the config readable in the
 * asset, and the asset hash (of the bundling output) changes whenever the config does, so a config change
 * redeploys.
 */
export interface FunctionConfig {
  /**
   * The validated config as a bundle file without templates (`{ "config": ... }`), on the synthesizing machine;
   * content-addressed, so synths of the same config share it.
   */
  file: string;
  /** Compile every template to HTML into the bundle too (functions that render email). */
  templates?: boolean;
}

/** Writes the validated config where the bundling commands can copy it from; the path depends on the content. */
export function writeFunctionConfig(config: Config): string {
  const json = JSON.stringify({ config });
  const hash = createHash('sha256').update(json).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'churnguard-config');
  const file = join(dir, `config-${hash}.json`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, json);
  }
  return file;
}

export const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The command hooks that put `churnguard.json` beside the bundle: a copy of the validated config, or, with
 * templates, the output of scripts/bundle-config.ts (config plus compiled HTML; mjml runs here, at bundling
 * time on the synthesizing machine, and never in Lambda). Commands run from the project root with local esbuild.
 */
export function configHooks(projectRoot: string, config: FunctionConfig): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => {
      const out = quote(join(outputDir, BUNDLE_FILE_NAME));
      if (!config.templates) return [`cp ${quote(config.file)} ${out}`];
      return [
        [
          quote(process.execPath),
          '--import tsx',
          quote(join(projectRoot, 'scripts', 'bundle-config.ts')),
          `--config ${quote(config.file)}`,
          `--out ${out}`,
          '--templates',
        ].join(' '),
      ];
    },
  };
}

/** The environment that tells the function where its bundled config is (functions/shared/bundled-config.ts). */
export const configEnvironment = { [CONFIG_FILE_ENV]: BUNDLE_FILE_NAME };
