import { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '#core/clock';
import { createDb, type Db } from '#store/client';
import type { WebhookSettings } from '../webhooks/settings.ts';
import { readEnv } from './env.ts';
import { redactingReplacer } from './redact.ts';
import { systemClock } from './system-clock.ts';
import { createMetrics, type Metrics } from './telemetry.ts';

/** What every handler needs; tests and the local runtime build their own, Lambda builds one per module. */
export interface Deps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Business metrics (EMF); absent in tests and locally, where nothing reads them. */
  metrics?: Metrics;
  /** Webhook secrets and connector mapping; when absent the webhooks function reads its environment. */
  webhooks?: WebhookSettings;
}

/** The functions' logger: structured JSON, with every email address redacted (functions/shared/redact.ts). */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
}

export function runtimeDeps(serviceName: string): Deps {
  const env = readEnv();
  return {
    db: createDb(env.TABLE_NAME, env.DYNAMODB_ENDPOINT),
    clock: systemClock,
    logger: createLogger(serviceName),
    metrics: createMetrics(serviceName),
  };
}
