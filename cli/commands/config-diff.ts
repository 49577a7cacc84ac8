import { defaultConfig } from '#config/default';
import { type ConfigChange, configChanges } from '#config/overrides';
import { loadCliConfig } from './config-file.ts';

const show = (value: unknown) => JSON.stringify(value);

export function changeLine(change: ConfigChange): string {
  if (change.kind === 'added') return `+ ${change.path}: ${show(change.after)}`;
  if (change.kind === 'removed') return `- ${change.path} (was ${show(change.before)})`;
  return `~ ${change.path}: ${show(change.before)} -> ${show(change.after)}`;
}

/**
 * `churnguard config diff [file]`: what the file (else CHURNGUARD_CONFIG) changes in the built-in default, one line
 * per setting: `~` changed (default -> yours), `+` added, `-` removed. Compared after merging and validation, so it
 * shows what runs, not only what the file says (a setting restated at its default value is no change).
 */
export async function diffConfig(given?: string): Promise<string> {
  const { config, source } = await loadCliConfig(given);
  const changes = configChanges(defaultConfig, config);
  if (changes.length === 0) return `${source}: no difference from the built-in default\n`;
  const count = changes.length === 1 ? '1 setting differs' : `${changes.length} settings differ`;
  return `${source}: ${count} from the built-in default\n${changes.map(changeLine).join('\n')}\n`;
}
