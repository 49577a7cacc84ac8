import '#local/quiet-sdk';
import { parseArgs } from 'node:util';
import { resolveApiTarget } from './api-client.ts';
import { showAccount } from './commands/account.ts';
import { validateConfig } from './commands/config-validate.ts';
import { importFile } from './commands/import.ts';

const HELP = `churnguard — customer-success automation

Usage: churnguard <command> [options]

Commands:
  dev                      Run the local stack (DynamoDB Local + HTTP API); same as npm start
  import <file>            Import accounts (CSV/JSON) or signals (CSV/JSONL) through the API
      --kind accounts|signals   what the file holds (default: from its name or first record)
      --rejects <file>          where bad rows go (default: <file>.rejects.jsonl)
      --batch <n>               records per request (default and maximum: 500 accounts / 1000 signals)
  account <id>             Show an account's health: score, band, components with their exact contributions,
                           what costs the most in words, journey class and trend (scores it first if it is new
                           or has new signals)
      --json                    print the API's answer as JSON instead
  config validate [file]   Check a config (.json, or a .ts/.js module whose default export is the config) and
                           print every problem with its path; exit 1 if there is any. Without a file: the
                           built-in default
  help                     Show this help

Common options:
  --api <url>              API base URL (default: CHURNGUARD_API_URL, else http://127.0.0.1:$PORT or 3000)
  --key <key>              API key (default: CHURNGUARD_API_KEY, else .churnguard/local-api-key)

Examples:
  churnguard import accounts.csv
  churnguard import signals.jsonl --rejects bad-signals.jsonl
  churnguard account acme
  churnguard config validate churnguard.config.json
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      api: { type: 'string' },
      key: { type: 'string' },
      kind: { type: 'string' },
      rejects: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case 'dev':
      await import('#local/start');
      return -1;
    case 'import': {
      const file = rest[0];
      if (!file) throw new UsageError('import needs a file: churnguard import <file>');
      if (values.kind && values.kind !== 'accounts' && values.kind !== 'signals') {
        throw new UsageError(`--kind must be accounts or signals, not "${values.kind}"`);
      }
      const batchSize = values.batch ? Number(values.batch) : undefined;
      if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
        throw new UsageError(`--batch must be a positive whole number, not "${values.batch}"`);
      }
      const summary = await importFile(resolveApiTarget(values), {
        file,
        kind: values.kind as 'accounts' | 'signals' | undefined,
        rejectsFile: values.rejects,
        batchSize,
      });
      process.stdout.write(
        `${summary.rows} ${summary.kind} rows in ${summary.seconds}s: ${summary.accepted} accepted, ` +
          `${summary.duplicates} duplicates, ${summary.rejected} rejected` +
          `${summary.rejectsFile ? ` (see ${summary.rejectsFile})` : ''}\n`,
      );
      return summary.rejected > 0 ? 2 : 0;
    }
    case 'account': {
      const id = rest[0];
      if (!id) throw new UsageError('account needs an id: churnguard account <id> [--json]');
      process.stdout.write(await showAccount(resolveApiTarget(values), id, values.json ?? false));
      return 0;
    }
    case 'config': {
      const [action, file] = rest;
      if (action !== 'validate') throw new UsageError('usage: churnguard config validate [file]');
      const report = await validateConfig(file);
      process.stdout.write(report.text);
      return report.ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command "${command}"; run churnguard --help`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2))
  .then((code) => {
    if (code >= 0) process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`churnguard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  });
