import * as z from 'zod';
import { destinationName } from '#config/channels-schema';
import { describeError } from '#core/connectors/shared';
import { readSecretJson, SecretsConfigError } from './secret-extension.ts';

/**
 * Where each Slack or Teams destination's incoming webhook is: a secret, never config. In AWS one Secrets Manager
 * secret (CHAT_WEBHOOKS_ARN, read through the Parameters and Secrets extension) holds a JSON map
 * `{ "<destination>": "https://hooks.slack.com/services/...", ... }`; locally the file
 * `.churnguard/chat-webhooks.json` of the same shape (local/chat-webhooks.ts).
 */
export type WebhookUrls = (destination: string) => Promise<string | undefined>;

export const chatWebhooksSchema = z.record(destinationName, z.url({ error: 'must be the webhook URL' }));

/** A map read from a secret or a file; a bad one names the destination and why. */
export function chatWebhooksFrom(map: unknown, where: string, httpsOnly: boolean): Record<string, string> {
  const parsed = chatWebhooksSchema.safeParse(map);
  if (!parsed.success) {
    throw new SecretsConfigError(
      `${where} is not a map of chat webhook URLs: ${describeError(parsed.error)}`,
    );
  }
  if (httpsOnly) {
    for (const [name, url] of Object.entries(parsed.data)) {
      if (!url.startsWith('https://')) throw new SecretsConfigError(`${where}: ${name} must be an https URL`);
    }
  }
  return parsed.data;
}

export const staticWebhookUrls =
  (map: Record<string, string>): WebhookUrls =>
  async (destination) =>
    map[destination];

const chatEnv = z.object({
  CHAT_WEBHOOKS_ARN: z.string().min(1).optional(),
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

/**
 * The webhook URLs a deployed function reads: from the secret CHAT_WEBHOOKS_ARN, once per cold start (a failed
 * read is tried again at the next post), or none without it (every post is then settled failed, saying so).
 */
export function webhookUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookUrls | undefined {
  const parsed = chatEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid chat environment: ${describeError(parsed.error)}`);
  const { CHAT_WEBHOOKS_ARN: secretId, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port } = parsed.data;
  if (!secretId) return undefined;
  let loaded: Promise<Record<string, string>> | undefined;
  const load = async () =>
    chatWebhooksFrom(
      await readSecretJson(
        { secretId, port, sessionToken: process.env.AWS_SESSION_TOKEN },
        '{"cs-emea":"https://hooks.slack.com/services/..."}',
      ),
      `secret ${secretId}`,
      true,
    );
  return async (destination) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return (await loaded)[destination];
  };
}
