import './quiet-sdk.ts';
import { CONFIG_ENV, configFileFrom, loadConfigFile } from '#config/file';
import type { Config } from '#config/schema';
import { DEMO_ACCOUNTS_ENV, demoAccountsFrom, demoAccountToOpen, loadDemoInto } from './demo/start-demo.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { HOME_ENV, localHome, removeStackFile, runningStack, writeStackFile } from './home.ts';
import { checkPorts, startLocalStack } from './stack.ts';

/** A port from the environment: a number from 0 to 65535 (0: any free port), else the default. */
function portFrom(variable: 'PORT' | 'SES_PORT', fallback: number): number {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${variable} must be a port number (0-65535), got "${text}"`);
  }
  return port;
}

/** The playbook from CHURNGUARD_CONFIG (what differs from the default), checked before anything starts. */
async function configFromEnv(): Promise<Config | undefined> {
  const file = configFileFrom();
  if (!file) return undefined;
  const loaded = await loadConfigFile(file);
  if (loaded.ok) return loaded.config;
  const problems = loaded.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n');
  throw new Error(`the config ${file} (${CONFIG_ENV}) has ${loaded.errors.length} problem(s):\n${problems}`);
}

/**
 * What to type first: with the demo loaded, its lowest-scored account (`demoAccount`); on a stack of your own, the
 * example files to import first, then their account acme, so each line works when it is run in turn.
 */
function tryIt(stack: { apiUrl: string; apiKey: string }, demoAccount: string | undefined): string[] {
  const curl = (id: string) =>
    `  curl -s -H "Authorization: Bearer ${stack.apiKey}" ${stack.apiUrl}/v1/accounts/${id}`;
  if (demoAccount)
    return [
      '  npx churnguard accounts          (every account, lowest score first)',
      `  npx churnguard account ${demoAccount}`,
      curl(demoAccount),
    ];
  return [
    '  npx churnguard import examples/accounts.csv',
    '  npx churnguard import examples/signals.jsonl',
    '  npx churnguard account acme',
    curl('acme'),
  ];
}

/** `npm start` and `churnguard dev`: the whole local stack in the foreground until Ctrl-C. */
async function main(): Promise<void> {
  const home = localHome();
  const port = portFrom('PORT', 3000);
  const sesPort = portFrom('SES_PORT', 0);
  const config = await configFromEnv();
  // `npm run demo`, `npm start -- --demo`, `churnguard dev --demo`: a year of a synthetic portfolio loaded first.
  const demo = process.argv.includes('--demo') ? demoAccountsFrom(process.env) : undefined;
  const already = runningStack(home);
  if (already) {
    throw new Error(
      `a local stack is already running from ${home} (pid ${already.pid}, API ${already.apiUrl}); stop it with Ctrl-C, or set ${HOME_ENV} to start another`,
    );
  }
  await checkPorts(port, sesPort);
  process.stdout.write('Starting churnguard (DynamoDB Local needs a few seconds)...\n');
  const stack = await startLocalStack({
    home,
    port,
    sesPort,
    ...(config ? { config } : {}),
    ...(demo !== undefined ? { keepData: false } : {}),
  });
  if (demo !== undefined) {
    try {
      await loadDemoInto(stack, demo, config);
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }
  writeStackFile(
    home,
    { apiUrl: stack.apiUrl, inboxUrl: stack.inboxUrl, chatUrl: stack.chatUrl },
    new Date(),
  );
  process.stdout.write(
    [
      '',
      'churnguard is running locally',
      `  Page       ${stack.apiUrl}/app/  (renewal desk, retention, portfolio; asks for a read key once per tab)`,
      `  API        ${stack.apiUrl}/v1`,
      `  API key    ${stack.apiKey}`,
      `             (${stack.apiKeySource})`,
      `  DynamoDB   ${stack.dynamoEndpoint}  (${stack.dataDir ? `data kept in ${stack.dataDir}` : 'data in memory only: gone when the stack stops'})`,
      `  Inbox      ${stack.inboxUrl}  (SES local: all mail stays on this machine)`,
      `  Chat       ${stack.chatUrl}/  (Slack and Teams posts; npx churnguard posts)`,
      `             (webhooks: ${stack.chatWebhooksSource})`,
      `  Webhooks   ${stack.apiUrl}/v1/webhooks/{segment,stripe,zendesk,survey,hubspot,posthog,salesforce}`,
      `             (secrets: ${stack.webhookSecretsSource})`,
      `  Workflows  timers dispatched every ${process.env.CHURNGUARD_DISPATCH_SECONDS ?? 60} s (CHURNGUARD_DISPATCH_SECONDS; 0 = off)`,
      `  Config     ${config ? `${configFileFrom()} over the built-in default (${CONFIG_ENV})` : `the built-in default (set ${CONFIG_ENV} to a file of overrides)`}`,
      '',
      ...(demo !== undefined
        ? [
            `The demo portfolio is loaded: open ${stack.apiUrl}/app/ and, when the page asks for an API key, paste`,
            `  ${stack.apiKey}`,
            `(the key above; ${DEMO_ACCOUNTS_ENV} sets the demo's size). The inbox holds the mail of its last days.`,
            '',
          ]
        : []),
      'Try it (the churnguard CLI finds this stack from any folder of the project):',
      ...tryIt(stack, await (demo !== undefined ? demoAccountToOpen(stack) : undefined)),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping churnguard...\n`);
    removeStackFile(home);
    await stack.stop();
    process.stdout.write('stopped; data is kept for the next start.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof JavaMissingError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`churnguard could not start: ${message}\n`);
  process.exit(1);
});
