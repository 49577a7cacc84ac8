import '#local/quiet-sdk';
import { parseArgs } from 'node:util';
import type { SimulationStore } from '#local/simulation/store';
import { resolveApiTarget } from './api-client.ts';
import { showAccount } from './commands/account.ts';
import { validateConfig } from './commands/config-validate.ts';
import { importFile } from './commands/import.ts';
import { fetchNudges, renderNudges } from './commands/nudges.ts';

const HELP = `churnguard — customer-success automation

Usage: churnguard <command> [options]

Commands:
  dev                      Run the local stack (DynamoDB Local + HTTP API); same as npm start
  import <file>            Import accounts (CSV/JSON) or signals (CSV/JSONL) through the API
      --kind accounts|signals   what the file holds (default: from its name or first record)
      --rejects <file>          where bad rows go (default: <file>.rejects.jsonl)
      --batch <n>               records per request (default and maximum: 500 accounts / 1000 signals)
      --concurrency <n>         requests in flight at most (default 4; fewer while the API throttles)
  account <id>             Show an account's health: score, band, components with their exact contributions,
                           what costs the most in words, journey class and trend (scores it first if it is new
                           or has new signals)
      --json                    print the API's answer as JSON instead
                           Then the journey messages sent, and those not sent with the reason
  templates preview <name> Render a message template for an account's contact: subject, headers, text part;
                           the HTML goes to a file
      --account <id>            the account whose profile and health fill the variables (required)
      --contact <id>            the contact (default: the first admin)
      --config <file>           a config with your own templates (default: the built-in one)
      --out <file>              where the HTML goes (default: <name>.<account>.html)
  config validate [file]   Check a config (.json, or a .ts/.js module whose default export is the config) and
                           print every problem with its path; exit 1 if there is any. Without a file: the
                           built-in default
  simulate <scenario>      Run the real system over a scenario (.json, or .yaml/.yml) on a virtual clock,
                           sending nothing; mail is captured in the result
  simulate --synthetic N   ... or over N generated accounts (--days D, default 365; --seed S, default 1)
  simulate --from-import <dir>
                           ... or replay imported history: the accounts, signals (or events) and outcomes
                           files of <dir>, in the formats import reads; renewal_outcome signals count as
                           outcomes; the window runs from the first to the last dated record unless
                           --start YYYY-MM-DD / --days D say otherwise
      --config <file>           the playbook config to run (.json, or a .ts/.js module; default: built-in)
      --out <file>              where the result goes (default result.json)
      --summary                 print the summary as a table (holdouts: treated vs held-out outcomes)
      --write-scenario <file>   save the generated or replayed scenario
      --store memory|dynamodb-local
                                where the run keeps its data: the in-memory store adapter (default; it passes
                                the same tests as DynamoDB) or a private DynamoDB Local (slower, ~30 account-days/s)
      --shards N                split a synthetic run over N threads (default: one per core, at least 100
                                accounts each); the result is the same as one thread's, byte for byte
  help                     Show this help

Common options:
  --api <url>              API base URL (default: CHURNGUARD_API_URL, else http://127.0.0.1:$PORT or 3000)
  --key <key>              API key (default: CHURNGUARD_API_KEY, else .churnguard/local-api-key)

Examples:
  churnguard import accounts.csv
  churnguard import signals.jsonl --rejects bad-signals.jsonl
  churnguard account acme
  churnguard templates preview nudge_first_login --account acme
  churnguard config validate churnguard.config.json
  churnguard simulate scenario.yaml --config churnguard.config.json --summary
  churnguard simulate --from-import exports/ --out replay.json --summary
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
      concurrency: { type: 'string' },
      json: { type: 'boolean' },
      synthetic: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'write-scenario': { type: 'string' },
      store: { type: 'string' },
      shards: { type: 'string' },
      'from-import': { type: 'string' },
      start: { type: 'string' },
      summary: { type: 'boolean' },
      account: { type: 'string' },
      contact: { type: 'string' },
      config: { type: 'string' },
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
      const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
        throw new UsageError(`--concurrency must be a positive whole number, not "${values.concurrency}"`);
      }
      const summary = await importFile(resolveApiTarget(values), {
        file,
        kind: values.kind as 'accounts' | 'signals' | undefined,
        rejectsFile: values.rejects,
        batchSize,
        concurrency,
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
      const target = resolveApiTarget(values);
      process.stdout.write(await showAccount(target, id, values.json ?? false));
      if (!values.json) process.stdout.write(renderNudges(await fetchNudges(target, id)));
      return 0;
    }
    case 'templates': {
      const [action, name] = rest;
      if (action !== 'preview' || !name || !values.account) {
        throw new UsageError(
          'usage: churnguard templates preview <name> --account <id> [--contact <id>] [--out <file>]',
        );
      }
      const { previewTemplate } = await import('./commands/templates-preview.ts');
      process.stdout.write(
        await previewTemplate(resolveApiTarget(values), {
          template: name,
          accountId: values.account,
          contactId: values.contact,
          configFile: values.config,
          out: values.out,
        }),
      );
      return 0;
    }
    case 'config': {
      const [action, file] = rest;
      if (action !== 'validate') throw new UsageError('usage: churnguard config validate [file]');
      const report = await validateConfig(file);
      process.stdout.write(report.text);
      return report.ok ? 0 : 1;
    }
    case 'simulate': {
      const number = (name: string, text: string | undefined) => {
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!Number.isInteger(value) || value < 1)
          throw new UsageError(`--${name} must be a positive whole number, not "${text}"`);
        return value;
      };
      const synthetic = number('synthetic', values.synthetic);
      const fromImport = values['from-import'];
      const sources = [rest[0], synthetic, fromImport].filter((s) => s !== undefined).length;
      if (sources !== 1) {
        throw new UsageError(
          'simulate needs one of a scenario file, --synthetic N or --from-import <dir>: ' +
            'churnguard simulate <scenario.json|.yaml> | --synthetic 100 --days 365 | --from-import exports/',
        );
      }
      const store = values.store;
      const { SIMULATION_STORES } = await import('#local/simulation/store');
      if (store !== undefined && !SIMULATION_STORES.includes(store as SimulationStore)) {
        throw new UsageError(`--store must be one of ${SIMULATION_STORES.join(', ')}, not "${store}"`);
      }
      if (values.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.start)) {
        throw new UsageError(`--start must be a date, YYYY-MM-DD, not "${values.start}"`);
      }
      if (synthetic !== undefined) {
        const { rerunWithLargerHeap } = await import('./heap.ts');
        const code = rerunWithLargerHeap(synthetic * (number('days', values.days) ?? 365));
        if (code !== undefined) return code;
      }
      const { simulate, summaryTable } = await import('./commands/simulate.ts');
      const { result, out } = await simulate({
        scenarioFile: rest[0],
        synthetic,
        fromImport,
        start: values.start,
        configFile: values.config,
        days: number('days', values.days),
        seed: number('seed', values.seed),
        out: values.out,
        writeScenario: values['write-scenario'],
        ...(store ? { store: store as SimulationStore } : {}),
        ...(values.shards !== undefined ? { shards: number('shards', values.shards) } : {}),
      });
      process.stdout.write(
        `${result.actions.length} actions, ${result.skipped.length} not sent, ${result.emails.length} emails; result in ${out}\n`,
      );
      if (values.summary) process.stdout.write(`${summaryTable(result.summary)}\n`);
      return 0;
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
