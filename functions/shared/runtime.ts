import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '#config/schema';
import type { Clock } from '#core/clock';
import { createDb, type Db } from '#store/client';
import type { WebhookSettings } from '../webhooks/settings.ts';
import { functionBundle } from './bundled-config.ts';
import { readEnv } from './env.ts';
import { redactingReplacer } from './redact.ts';
import { systemClock } from './system-clock.ts';
import { captureAwsClient, createMetrics, type Metrics } from './telemetry.ts';

/** What every handler needs; tests and the local runtime build their own, Lambda builds one per module. */
export interface Deps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Business metrics (EMF); absent in tests and locally, where nothing reads them. */
  metrics?: Metrics;
  /** Webhook secrets and connector mapping; when absent the webhooks function reads its environment. */
  webhooks?: WebhookSettings;
  /**
   * The playbook config; when absent, the built-in default (config/default.ts). Lambda functions get the one
   * the ChurnGuard construct bundled (functions/shared/bundled-config.ts); the local runtime passes its own.
   */
  config?: Config;
}

/**
 * The bundled config with the deployment's URL (links in email) over its local default, when the construct set
 * one. The construct bundles a config into every function; a URL without one cannot be honoured, so it is refused.
 */
export function withPublicBaseUrl(config: Config | undefined, url: string | undefined): Config | undefined {
  if (!url) return config;
  if (!config) {
    throw new Error(
      'PUBLIC_BASE_URL is set but the function has no bundled config (CHURNGUARD_CONFIG_FILE) to apply it to',
    );
  }
  return { ...config, messaging: { ...config.messaging, publicBaseUrl: url } };
}

/** The functions' logger: structured JSON, with every email address redacted (functions/shared/redact.ts). */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
}

/** A Lambda function's dependencies, built once per cold start: a bad environment or bundled config throws. */
export function runtimeDeps(serviceName: string): Deps {
  const env = readEnv();
  const bundle = functionBundle();
  const config = withPublicBaseUrl(bundle?.config, env.PUBLIC_BASE_URL);
  return {
    ...(config ? { config } : {}),
    db: createDb(env.TABLE_NAME, env.DYNAMODB_ENDPOINT, {}, captureAwsClient),
    clock: systemClock,
    logger: createLogger(serviceName),
    metrics: createMetrics(serviceName),
  };
}
