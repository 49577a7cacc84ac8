import { Logger } from '@aws-lambda-powertools/logger';
import { type Clock, systemClock } from '#core/clock';
import { createDb, type Db } from '#store/client';
import type { WebhookSettings } from '../webhooks/settings.ts';
import { readEnv } from './env.ts';

/** What every handler needs; tests and the local runtime build their own, Lambda builds one per module. */
export interface Deps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Webhook secrets and connector mapping; when absent the webhooks function reads its environment. */
  webhooks?: WebhookSettings;
}

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

export function runtimeDeps(serviceName: string): Deps {
  const env = readEnv();
  return {
    db: createDb(env.TABLE_NAME, env.DYNAMODB_ENDPOINT),
    clock: systemClock,
    logger: createLogger(serviceName),
  };
}
