import * as z from 'zod';
import type { Clock } from '#core/clock';
import { type ConnectorMapping, connectorMappingSchema } from '#core/connectors/mapping';
import { describeError } from '#core/connectors/shared';
import { type ExtensionOptions, readSecretJson, SecretsConfigError } from '../shared/secret-extension.ts';

/**
 * What the webhooks function is configured with: one secret list per vendor and the connector mapping.
 *
 * Secrets come from (per name, the first that has one):
 *   1. `CHURNGUARD_WEBHOOK_SECRET_<NAME>` (comma-separated for several while one is rolled), for local runs;
 *   2. the provider the runtime supplies: in AWS one Secrets Manager secret holding a JSON map
 *      (`WEBHOOK_SECRETS_ARN`, read through the Parameters and Secrets Lambda extension), locally the file the
 *      local stack generates (.churnguard/webhook-secrets.json).
 * The mapping is `CHURNGUARD_CONNECTORS` (JSON, see docs/connectors.md), else the defaults.
 */

export const WEBHOOK_SECRET_NAMES = [
  'segment',
  'stripe',
  'zendesk',
  'survey',
  'typeform',
  'hubspot',
  'posthog',
  'salesforce',
] as const;
export type WebhookSecretName = (typeof WEBHOOK_SECRET_NAMES)[number];
export type WebhookSecrets = Record<WebhookSecretName, string[]>;

export interface SecretsProvider {
  /** The secrets, loaded once and cached. */
  get(): Promise<WebhookSecrets>;
  /**
   * Loads again if the cached copy is older than the provider's refresh interval (a secret may have been rolled
   * since the cold start), else answers the cached copy. Called only after a signature failed to verify.
   */
  refresh(): Promise<WebhookSecrets>;
}

export interface WebhookSettings {
  secrets: SecretsProvider;
  mapping: ConnectorMapping;
}

const secretValue = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).map((s) => s.trim()).filter(Boolean));

/** The JSON map kept in Secrets Manager and in the local secrets file. Unknown names are refused (typos). */
export const webhookSecretsSchema = z.strictObject({
  segment: secretValue.optional(),
  stripe: secretValue.optional(),
  zendesk: secretValue.optional(),
  survey: secretValue.optional(),
  typeform: secretValue.optional(),
  hubspot: secretValue.optional(),
  posthog: secretValue.optional(),
  salesforce: secretValue.optional(),
});
export type WebhookSecretsInput = z.input<typeof webhookSecretsSchema>;

export function emptySecrets(): WebhookSecrets {
  return {
    segment: [],
    stripe: [],
    zendesk: [],
    survey: [],
    typeform: [],
    hubspot: [],
    posthog: [],
    salesforce: [],
  };
}

export { SecretsConfigError };

/** A parsed secrets map with every name present (absent names have no secret). */
export function secretsFrom(map: unknown, where: string): WebhookSecrets {
  const parsed = webhookSecretsSchema.safeParse(map);
  if (!parsed.success)
    throw new SecretsConfigError(`${where} is not a webhook secrets map: ${describeError(parsed.error)}`);
  const out = emptySecrets();
  for (const name of WEBHOOK_SECRET_NAMES) out[name] = parsed.data[name] ?? [];
  return out;
}

export const secretEnvName = (name: WebhookSecretName) => `CHURNGUARD_WEBHOOK_SECRET_${name.toUpperCase()}`;

/** Secrets set in the environment, one variable per name; several secrets are separated by commas. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Partial<WebhookSecrets> {
  const out: Partial<WebhookSecrets> = {};
  for (const name of WEBHOOK_SECRET_NAMES) {
    const list = (env[secretEnvName(name)] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > 0) out[name] = list;
  }
  return out;
}

/** Environment secrets override the provider's, name by name. */
export function overlay(base: WebhookSecrets, over: Partial<WebhookSecrets>): WebhookSecrets {
  const out = { ...base };
  for (const name of WEBHOOK_SECRET_NAMES) {
    const list = over[name];
    if (list && list.length > 0) out[name] = list;
  }
  return out;
}

/** Secrets that never change (environment, a local file read once). */
export function staticSecrets(secrets: WebhookSecrets): SecretsProvider {
  const value = Promise.resolve(secrets);
  return { get: () => value, refresh: () => value };
}

/**
 * Caches what `load` returns for the life of the execution environment (one read per cold start). A failed load
 * is not cached, so the next request tries again. `refresh` reloads at most once per `refreshAfterMs`.
 */
export function cachedSecrets(
  load: () => Promise<WebhookSecrets>,
  clock: Clock,
  refreshAfterMs = 60_000,
): SecretsProvider {
  let cached: { at: number; value: Promise<WebhookSecrets> } | undefined;
  const start = () => {
    const value = load();
    const entry = { at: clock.now().getTime(), value };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
  return {
    get: () => cached?.value ?? start(),
    refresh: () => {
      if (cached && clock.now().getTime() - cached.at < refreshAfterMs) return cached.value;
      return start();
    },
  };
}

export type { ExtensionOptions };

/** The webhook secrets map, read through the Parameters and Secrets extension (functions/shared/secret-extension.ts). */
export async function readSecretsViaExtension(options: ExtensionOptions): Promise<WebhookSecrets> {
  const map = await readSecretJson(options, '{"stripe":"whsec_..."}');
  return secretsFrom(map, `secret ${options.secretId}`);
}

/** CHURNGUARD_CONNECTORS as a connector mapping; a bad one fails with the path and the reason. */
export function mappingFromEnv(env: NodeJS.ProcessEnv): ConnectorMapping {
  const text = env.CHURNGUARD_CONNECTORS;
  if (text === undefined || text.trim() === '') return connectorMappingSchema.parse({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`CHURNGUARD_CONNECTORS is not JSON: ${String(error)}`);
  }
  const parsed = connectorMappingSchema.safeParse(value);
  if (!parsed.success) throw new Error(`CHURNGUARD_CONNECTORS: ${describeError(parsed.error)}`);
  return parsed.data;
}

const webhookEnv = z.object({
  WEBHOOK_SECRETS_ARN: z.string().min(1).optional(),
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
});

/**
 * The settings a deployed function reads at module init (fail fast on a bad mapping). With
 * WEBHOOK_SECRETS_ARN the secrets come from Secrets Manager, overlaid by any CHURNGUARD_WEBHOOK_SECRET_*;
 * without it, only from the environment.
 */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv, clock: Clock): WebhookSettings {
  const parsed = webhookEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid webhooks environment: ${describeError(parsed.error)}`);
  const { WEBHOOK_SECRETS_ARN: secretId, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port } = parsed.data;
  const fromEnv = secretsFromEnv(env);
  const mapping = mappingFromEnv(env);
  if (!secretId) return { mapping, secrets: staticSecrets(overlay(emptySecrets(), fromEnv)) };
  const load = async () =>
    overlay(
      await readSecretsViaExtension({
        secretId,
        port,
        // Read per load, not at init: the token belongs to the current credentials.
        sessionToken: process.env.AWS_SESSION_TOKEN ?? parsed.data.AWS_SESSION_TOKEN,
      }),
      fromEnv,
    );
  return { mapping, secrets: cachedSecrets(load, clock) };
}
