import { defaultConfig } from '#config/default';
import { CONFIG_ENV, configFileFrom, loadConfigFile } from '#config/file';
import { type ConfigResult, parseConfig } from '#config/load';
import type { Config } from '#config/schema';
import { modelVersion } from '#core/health/model-version';

export interface ValidationReport {
  ok: boolean;
  text: string;
}

function summary(config: Config, source: string): string {
  const segments = Object.entries(config.segments).map(([id, segment]) => {
    const { green, yellow } = segment.health.bands;
    const weights = Object.entries(segment.health.weights)
      .map(([component, weight]) => `${component} ${weight}`)
      .join(', ');
    return `  ${id} (${segment.label}, ${segment.program}, ${segment.touch} touch): green from ${green}, yellow from ${yellow}; weights ${weights}`;
  });
  const tiers = Object.entries(config.segmentation.byTier)
    .map(([tier, rule]) => `${tier}→${rule.segment}`)
    .join(' ');
  const brand = Object.entries(config.brand)
    .map(([name, value]) => `${name} ${JSON.stringify(value)}`)
    .join(', ');
  return [
    `config OK: ${source}`,
    `model ${modelVersion(config)}; ${segments.length} segments; tiers ${tiers}; lookback ${config.health.lookbackDays} days`,
    ...segments,
    `  brand: ${brand || 'none set (emails carry no product name, app link or logo; see README, Configuration)'}`,
  ].join('\n');
}

/**
 * `churnguard config validate [file]`: every problem with its path in the file, or "config OK" and a short summary.
 * The file holds what differs from the default and is checked merged with it. Without a file: CHURNGUARD_CONFIG,
 * else the built-in default playbook (what every function runs unless given another config).
 */
export async function validateConfig(given?: string): Promise<ValidationReport> {
  const file = configFileFrom(given);
  const result: ConfigResult = file ? await loadConfigFile(file) : parseConfig(defaultConfig);
  const source = file
    ? `${file}${given ? '' : ` (${CONFIG_ENV})`} over the built-in default`
    : 'the built-in default (config/default.ts)';
  if (result.ok) return { ok: true, text: `${summary(result.config, source)}\n` };
  const lines = result.errors.map((error) => `  ${error.path}: ${error.message}`);
  const count = result.errors.length === 1 ? '1 error' : `${result.errors.length} errors`;
  return { ok: false, text: `config invalid: ${source} (${count})\n${lines.join('\n')}\n` };
}
