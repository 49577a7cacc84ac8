import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  emptySecrets,
  overlay,
  secretsFrom,
  secretsFromEnv,
  WEBHOOK_SECRET_NAMES,
  type WebhookSecrets,
} from '#functions/webhooks/settings';

export const WEBHOOK_SECRETS_FILE = 'webhook-secrets.json';

function generated(): WebhookSecrets {
  const secrets = emptySecrets();
  for (const name of WEBHOOK_SECRET_NAMES) {
    // Stripe's signing secrets look like whsec_...; the others are any shared string.
    secrets[name] = [`${name === 'stripe' ? 'whsec_' : ''}local_${randomBytes(24).toString('base64url')}`];
  }
  return secrets;
}

/** The file's map: one secret per name, a list for a name holding several. */
function fileMap(secrets: WebhookSecrets): Record<string, string | string[]> {
  return Object.fromEntries(
    WEBHOOK_SECRET_NAMES.map((name) => {
      const list = secrets[name];
      return [name, list.length === 1 ? (list[0] as string) : list];
    }),
  );
}

/**
 * The local stack's webhook secrets: CHURNGUARD_WEBHOOK_SECRET_<NAME> where set, else <home>/webhook-secrets.json,
 * generated once (mode 0600) so that signed test requests keep working across restarts. Without a home (tests,
 * simulation) they are generated for the run.
 */
export function localWebhookSecrets(
  home: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { secrets: WebhookSecrets; source: string } {
  const fromEnv = secretsFromEnv(env);
  const envNote = Object.keys(fromEnv).length > 0 ? ', overridden by CHURNGUARD_WEBHOOK_SECRET_*' : '';
  if (!home) return { secrets: overlay(generated(), fromEnv), source: `generated for this run${envNote}` };
  const file = join(home, WEBHOOK_SECRETS_FILE);
  if (existsSync(file)) {
    let map: unknown;
    try {
      map = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not JSON (${String(error)}); fix or delete it to generate new secrets`);
    }
    const stored = secretsFrom(map, file);
    // A file written before a source existed lacks its name: that name gets a generated secret, added to the file.
    const missing = WEBHOOK_SECRET_NAMES.filter((name) => stored[name].length === 0);
    if (missing.length === 0) return { secrets: overlay(stored, fromEnv), source: `${file}${envNote}` };
    const fresh = generated();
    for (const name of missing) stored[name] = fresh[name];
    writeFileSync(file, `${JSON.stringify(fileMap(stored), null, 2)}\n`, { mode: 0o600 });
    return {
      secrets: overlay(stored, fromEnv),
      source: `${file} (added ${missing.join(', ')})${envNote}`,
    };
  }
  const secrets = generated();
  writeFileSync(file, `${JSON.stringify(fileMap(secrets), null, 2)}\n`, { mode: 0o600 });
  return { secrets: overlay(secrets, fromEnv), source: `${file} (generated)${envNote}` };
}
