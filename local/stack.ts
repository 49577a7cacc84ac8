import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { Clock } from '#core/clock';
import { fromHeader } from '#core/journeys/render-message';
import { type ChatPoster, webhookPoster } from '#functions/shared/chat-poster';
import { type Mailer, sesMailer } from '#functions/shared/mailer';
import type { Deps } from '#functions/shared/runtime';
import { systemClock } from '#functions/shared/system-clock';
import { mappingFromEnv, staticSecrets } from '#functions/webhooks/settings';
import { generateApiKey, registerApiKey } from '#store/api-key-store';
import { createDb, type Db } from '#store/client';
import { ensureTable } from '#store/table';
import { startChatCapture } from './chat-capture.ts';
import { localWebhookUrls } from './chat-webhooks.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLocalApiServer } from './http-server.ts';
import { startLocalDispatcher } from './local-dispatcher.ts';
import { startSesLocal } from './ses-local.ts';
import { localWebhookSecrets } from './webhook-secrets.ts';

export const LOCAL_TABLE_NAME = 'churnguard-local';

export interface LocalStackOptions {
  /** Where data lives between runs; omit for an in-memory stack (tests, simulation). */
  home?: string;
  /**
   * Keep the data under `home` (the default when there is a home), or hold it in memory only, gone when the stack
   * stops (the demo: a year of data loads in seconds in memory, minutes into DynamoDB Local's files).
   */
  keepData?: boolean;
  port?: number;
  apiKey?: string;
  clock?: Clock;
  logLevel?: string;
  /** Seconds between dispatcher runs (timers → workflow executions); 0 turns the dispatcher off. Default 60. */
  dispatchEverySeconds?: number;
  /** SES local's port (default: any free port; SES_PORT). */
  sesPort?: number;
  /** The Slack and Teams capture's port (default: any free port; CHAT_PORT). */
  chatPort?: number;
  /** The playbook config the API and workflows run with, already validated; the built-in default otherwise. */
  config?: Config;
}

export interface LocalStack {
  apiUrl: string;
  apiKey: string;
  apiKeySource: string;
  /** SES local's web inbox: every email churnguard sends locally lands there. */
  inboxUrl: string;
  sesEndpoint: string;
  mailer: Mailer;
  /** Where Slack and Teams posts land (local/chat-capture.ts): `${chatUrl}/store`, or `churnguard posts`. */
  chatUrl: string;
  /** Where each destination's webhook URL came from (the capture, or <home>/chat-webhooks.json). */
  chatWebhooksSource: string;
  poster: ChatPoster;
  /** Where the webhook secrets came from (env, or <home>/webhook-secrets.json); see docs/connectors.md. */
  webhookSecretsSource: string;
  dynamoEndpoint: string;
  dataDir?: string;
  db: Db;
  deps: Deps;
  stop(): Promise<void>;
}

/** The key from the option or CHURNGUARD_API_KEY, else one generated once and kept in <home>/local-api-key. */
function resolveApiKey(options: LocalStackOptions): { key: string; source: string } {
  if (options.apiKey) return { key: options.apiKey, source: 'option' };
  if (process.env.CHURNGUARD_API_KEY)
    return { key: process.env.CHURNGUARD_API_KEY, source: 'CHURNGUARD_API_KEY' };
  if (!options.home) return { key: generateApiKey(), source: 'generated for this run' };
  const file = join(options.home, 'local-api-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: file };
  const key = generateApiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, source: `${file} (generated)` };
}

/** The variable that moves each port the stack listens on, for the message when one is taken. */
const PORT_VARIABLES = {
  api: { variable: 'PORT', example: 'PORT=3001 npm start' },
  ses: {
    variable: 'SES_PORT',
    example: 'SES_PORT=8006 npm start, or leave SES_PORT unset for any free port',
  },
} as const;

function portInUse(port: number, which: keyof typeof PORT_VARIABLES): Error {
  const { variable, example } = PORT_VARIABLES[which];
  return new Error(
    `port ${port} is already in use (${variable}); set ${variable} to another port: ${example}`,
  );
}

/**
 * Fails at once, naming the variable to change, when a fixed port is taken: before DynamoDB Local (Java) starts,
 * which takes seconds, rather than after.
 */
async function checkPortFree(port: number, which: keyof typeof PORT_VARIABLES): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolveFree, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portInUse(port, which) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree()));
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? portInUse(port, 'api') : error);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Both fixed ports free, or an error naming the variable that moves the taken one. */
export async function checkPorts(apiPort: number, sesPort: number): Promise<void> {
  await checkPortFree(apiPort, 'api');
  await checkPortFree(sesPort, 'ses');
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const apiPort = options.port ?? 3000;
  const sesPort = options.sesPort ?? Number(process.env.SES_PORT ?? 0);
  await checkPorts(apiPort, sesPort);
  const home = options.home ? resolve(options.home) : undefined;
  const dataDir = home && options.keepData !== false ? join(home, 'dynamodb') : undefined;
  if (home) mkdirSync(home, { recursive: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo: DynamoDbLocal = await startDynamoDbLocal(dataDir ? { dataDir } : {});
  try {
    const db = createDb(LOCAL_TABLE_NAME, dynamo.endpoint);
    // TTL follows DynamoDB Local's wall clock, so it is on only when the stack runs on that clock too.
    await ensureTable(db.doc, LOCAL_TABLE_NAME, { timeToLive: options.clock === undefined });
    const clock = options.clock ?? systemClock;
    const { key, source } = resolveApiKey({ ...options, home });
    await registerApiKey(db, key, 'local', clock.now());
    const logLevel = options.logLevel ?? process.env.LOG_LEVEL ?? 'WARN';
    const webhookSecrets = localWebhookSecrets(home);
    const deps: Deps = {
      ...(options.config ? { config: options.config } : {}),
      db,
      clock,
      logger: new Logger({ serviceName: 'churnguard-local', logLevel: logLevel as 'WARN' }),
      webhooks: {
        secrets: staticSecrets(webhookSecrets.secrets),
        mapping: mappingFromEnv(process.env),
      },
    };
    const server = createLocalApiServer(deps);
    const port = await listen(server, apiPort);
    const ses = await startSesLocal(sesPort).catch((error: unknown) => {
      server.close();
      throw error;
    });
    const config = options.config ?? defaultConfig;
    const chat = await startChatCapture(options.chatPort ?? Number(process.env.CHAT_PORT ?? 0)).catch(
      async (error: unknown) => {
        server.close();
        await ses.stop();
        throw new Error(
          `the Slack and Teams capture could not listen (CHAT_PORT): ${error instanceof Error ? error.message : String(error)}; set CHAT_PORT to another port or leave it unset`,
        );
      },
    );
    const webhooks = localWebhookUrls(home, config.channels, chat);
    const poster = webhookPoster({ urls: webhooks.urls });
    const mailer = sesMailer({
      from: fromHeader(process.env.CHURNGUARD_SENDER ?? config.messaging.from, config.brand),
      endpoint: ses.endpoint,
    });
    const dispatcher = startLocalDispatcher(
      deps,
      options.dispatchEverySeconds ?? Number(process.env.CHURNGUARD_DISPATCH_SECONDS ?? 60),
      mailer,
      poster,
    );
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: key,
      apiKeySource: source,
      webhookSecretsSource: webhookSecrets.source,
      inboxUrl: ses.inboxUrl,
      sesEndpoint: ses.endpoint,
      mailer,
      chatUrl: chat.url,
      chatWebhooksSource: webhooks.source,
      poster,
      dynamoEndpoint: dynamo.endpoint,
      dataDir,
      db,
      deps,
      async stop() {
        dispatcher.stop();
        await ses.stop();
        await chat.stop();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        db.doc.destroy();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
