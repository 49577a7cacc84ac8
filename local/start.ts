import './quiet-sdk.ts';
import { resolve } from 'node:path';
import { JavaMissingError } from './dynamodb-local.ts';
import { startLocalStack } from './stack.ts';

/** `npm start`: the whole local stack in the foreground until Ctrl-C. */
async function main(): Promise<void> {
  const home = resolve(process.env.CHURNGUARD_HOME ?? '.churnguard');
  const port = process.env.PORT ? Number(process.env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0-65535), got "${process.env.PORT}"`);
  }
  process.stdout.write('Starting churnguard (DynamoDB Local needs a few seconds)...\n');
  const stack = await startLocalStack({ home, port });
  process.stdout.write(
    [
      '',
      'churnguard is running locally',
      `  API        ${stack.apiUrl}/v1`,
      `  API key    ${stack.apiKey}`,
      `             (${stack.apiKeySource})`,
      `  DynamoDB   ${stack.dynamoEndpoint}  (data kept in ${stack.dataDir})`,
      `  Inbox      ${stack.inboxUrl}  (SES local: all mail stays on this machine)`,
      `  Webhooks   ${stack.apiUrl}/v1/webhooks/{segment,stripe,zendesk,survey}`,
      `             (secrets: ${stack.webhookSecretsSource})`,
      `  Workflows  timers dispatched every ${process.env.CHURNGUARD_DISPATCH_SECONDS ?? 60} s (CHURNGUARD_DISPATCH_SECONDS; 0 = off)`,
      '',
      'Try it:',
      `  curl -s -H "Authorization: Bearer ${stack.apiKey}" ${stack.apiUrl}/v1/accounts/acme`,
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
