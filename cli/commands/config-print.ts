import { defaultConfig } from '#config/default';
import { loadCliConfig } from './config-file.ts';

/**
 * `churnguard config print [file] [--defaults]`: the effective config as JSON, the file (else CHURNGUARD_CONFIG)
 * merged over the built-in default, with every default filled in; `--defaults` prints the built-in default alone,
 * the starting point to copy settings from.
 */
export async function printConfig(given: string | undefined, defaults: boolean): Promise<string> {
  const config = defaults ? defaultConfig : (await loadCliConfig(given)).config;
  return `${JSON.stringify(config, null, 2)}\n`;
}
