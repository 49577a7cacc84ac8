import { defaultConfig } from '#config/default';
import { CONFIG_ENV, configFileFrom, loadConfigFile } from '#config/file';
import type { Config } from '#config/schema';

export interface CliConfig {
  config: Config;
  /** The file it came from; undefined for the built-in default. */
  file?: string;
  /** In words, for messages: the file, "(CHURNGUARD_CONFIG)" when the variable chose it, or the default. */
  source: string;
}

export class ConfigFileError extends Error {}

/**
 * The config a command runs with: the file given (`--config`), else CHURNGUARD_CONFIG, else the built-in default.
 * A file holds what differs from the default (config/overrides.ts); any problem fails with every path and reason.
 */
export async function loadCliConfig(given?: string): Promise<CliConfig> {
  const file = configFileFrom(given);
  if (!file) return { config: defaultConfig, source: 'the built-in default (config/default.ts)' };
  const source = given ? file : `${file} (${CONFIG_ENV})`;
  const loaded = await loadConfigFile(file);
  if (loaded.ok) return { config: loaded.config, file, source };
  const problems = loaded.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n');
  throw new ConfigFileError(`the config ${source} has ${loaded.errors.length} problem(s):\n${problems}`);
}
