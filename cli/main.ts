import '#local/quiet-sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_ENV } from '#config/file';
import { localHome } from '#local/home';
import type { SimulationStore } from '#local/simulation/store';
import { resolveApiTarget } from './api-client.ts';
import { showAccount } from './commands/account.ts';
import { validateConfig } from './commands/config-validate.ts';
import { EvaluateInputError } from './commands/evaluate.ts';
import { IMPORT_EXIT, ImportFileError, importFile } from './commands/import.ts';
import { showAccounts, showRisks } from './commands/lists.ts';
import { fetchNudges, renderNudges } from './commands/nudges.ts';
import { writeReport } from './commands/report.ts';
import { ReportInputError, writeReportFromResult } from './commands/report-from-result.ts';
import { fetchStackRank, renderStackRank } from './commands/stack-rank.ts';

const HELP = `churnguard — customer-success automation

Usage: churnguard <command> [options]

Commands that read or write data talk to the API of the local stack (npm start or churnguard dev), which they
find from any folder of this project through its .churnguard folder (or CHURNGUARD_HOME), or to the API named by
--api/--key or CHURNGUARD_API_URL/CHURNGUARD_API_KEY.

Commands:
  dev                      Run the local stack in the foreground until Ctrl-C (same as npm start): DynamoDB Local,
                           the HTTP API, SES local's web inbox, the Slack and Teams capture and the workflow
                           dispatcher. It prints the API URL, the API key, the inbox URL and the capture's URL.
                           Settings: PORT (API, default 3000), SES_PORT (inbox, default any free port),
                           CHAT_PORT (capture, default any free port), CHURNGUARD_HOME (data, default .churnguard),
                           CHURNGUARD_CONFIG (a config file), LOG_LEVEL (default WARN)
      --config <file>           the config to run with (same as CHURNGUARD_CONFIG)
      --demo                    first load a year of a synthetic portfolio ending today, as npm run demo does
                                (its data held in memory, gone on Ctrl-C; CHURNGUARD_DEMO_ACCOUNTS, default 24)
  import <file>            Import accounts (CSV/JSON) or signals (CSV/JSONL) through the API, with progress and a
                           summary; bad rows go to a rejects file with their reasons. A CSV header without the
                           expected columns is one error listing them, before anything is sent. Ctrl-C stops
                           after the batch in flight and says where; run the same command again to resume
                           (rows already stored come back as duplicates)
      --kind accounts|signals   what the file holds (default: from its name or first record)
      --rejects <file>          where bad rows go (default: <file>.rejects.jsonl)
      --batch <n>               records per request (default and maximum: 500 accounts / 1000 signals)
      --concurrency <n>         requests in flight at most (default 4; fewer while the API throttles)
      --mapping <crm mapping.json>   (with an export folder instead of a file, no --out)
                                a CRM's export (a mapping with "source": "salesforce" or "hubspot", e.g.
                                examples/salesforce/mapping.json): Account (companies), renewal Opportunity
                                (deals) and Contact files become accounts with their contract and contacts,
                                sent through the API as churnguard sync does (see docs/connectors.md)
      --mapping <file> --out <dir>
                                a table of accounts as of a snapshot day (one row per account, an outcome
                                column): map its columns (a JSON mapping; see tests/fixtures/churn-table) to
                                accounts, signals and outcomes, written to <dir> for simulate --from-import;
                                sends nothing to the API
                           Exit codes: 0 every row stored (or already stored); 1 failed (API unreachable, server
                           error); 2 finished with rows rejected (see the rejects file); 64 wrong usage; 65 the
                           file cannot be imported (unreadable, empty, a header without the expected columns;
                           nothing was sent); 130 interrupted by Ctrl-C
  sync hubspot --from <export>
                           First full load from a HubSpot export (a folder, or the files: companies, deals and
                           contacts, CSV as the HubSpot UI exports them or JSON as its CRM API lists them):
                           each company with its renewal deal and contacts becomes an account (its deals
                           remembered, so deal webhooks find it), sent through the API as import sends a file:
                           progress, rejects with reasons, Ctrl-C, and the same exit codes; run it again to
                           resume or to update the accounts
      --mapping <file>          what differs from the built-in HubSpot mapping (JSON; owners -> CSMs is needed,
                                e.g. examples/hubspot/mapping.json)
      --rejects <file>          where refused companies go (default: <companies file>.rejects.jsonl)
      --batch <n>, --concurrency <n>   as for import
  sync posthog --from <files>
                           PostHog batch-export files (JSONL, one event a line, as its S3 export writes them)
                           as signals through the API, mapped as the PostHog webhook maps them (login,
                           feature_used, activity; the company group's key is the account): progress, rejects,
                           the same exit codes; running it again finds duplicates
      --mapping <file>          a connector mapping (JSON, as CHURNGUARD_CONNECTORS; default: that variable)
  account <id>             Show an account as a CSM works it: ARR, renewal date and days to it, CSM, open risk,
                           health issues with their plan steps (late ones marked), upcoming reviews and renewal
                           checkpoints; then its health: score, band, components with their exact contributions,
                           what costs the most in words (a band cap and late issues first), journey class and
                           trend (scores it first if it is new or has new signals); then the journey messages
                           sent, and those not sent with the reason
      --json                    print the API's answer (GET /v1/accounts/{id}) as JSON instead
  accounts                 List accounts (GET /v1/accounts), a page at a time: band, score, ARR, renewal, CSM,
                           open risk
      --status <which>          customers (default), churned (the accounts whose contract in force ended
                                in churn, with the day) or all
      --band <band>             green, yellow, red or unknown
      --segment <id>            e.g. strategic, core, transactional
      --region <name>           e.g. EMEA
      --csm <name or email>     the accounts of one CSM
      --sort <how>              score (lowest first; default), renewal (soonest first), arr (by currency,
                                largest first) or name
      --limit <n>               accounts per page (default 50, at most 500)
      --cursor <c>              the next page, as the previous one printed
      --json                    print the API's answer as JSON instead
  risks                    List open risks (GET /v1/risks), oldest first: region, segment, tier, root causes,
                           strategy, days open, ARR; with the ARR at risk per currency (never added across them)
      --region <name>           e.g. EMEA
      --segment <id>            e.g. core
      --tier <1|2|3>            the escalation tier
      --cause <id>              a root cause, primary or secondary (e.g. low_adoption, relationship_weak)
      --strategy <s>            rescue, recover or farewell
      --json                    print the API's answer as JSON instead
  posts                    The Slack and Teams posts the running local stack captured (npm start prints the
                           capture's URL), oldest first: when, where, the title and the account link
      --json                    print them as JSON, each with the vendor's payload (Block Kit, Adaptive Card)
  stack-rank               Rank each segment's accounts along the journey baseline (seed 004): Champions, then
                           Cruisers, then Laggards, the faster pace first. An account the data saw go live is
                           judged against each milestone's own due day; an established one (its data began after
                           its onboarding was due: first login, configuration) by its health against its segment
      --segment <id>            one segment only (a segment the config defines)
      --json                    print the API's answer as JSON instead
  report [result.json] --out <file>
                           Write the page as one self-contained HTML file that opens offline, from disk. Two
                           sources: without a file, the API's answers now (renewal desk, retention, portfolio,
                           and the page of every account on the desk or with an open risk); with the result.json
                           of churnguard simulate, the desk, retention (NRR/GRR per currency), open risks and
                           health bands per segment as of the run's end, computed from its final state by the
                           same functions the API uses (no stack needed)
      --config <file>           with a result: the config the run used (default: CHURNGUARD_CONFIG, else the
                                built-in default)
  templates preview <name> Render a message template for an account's contact, at the journey step that sends it,
                           with the account's real profile and health: step, From, To, subject, headers, text;
                           the HTML goes to a file
      --account <id>            the account whose profile and health fill the variables (required)
      --contact <id>            the contact (default: the first admin)
      --milestone <id>          the journey milestone, when the template is sent at several (default: the first)
      --config <file>           a config with your own templates and brand
      --out <file>              where the HTML goes (default: .churnguard/previews/<name>.<account>.html)
  config validate [file]   Check a config file (what differs from the default; .json, or a .ts/.js module whose
                           default export it is) merged over the default, and print every problem with its path
                           in the file; exit 1 if there is any. Without a file: CHURNGUARD_CONFIG, else the
                           built-in default
  config print [file]      Print the effective config as JSON: the file (else CHURNGUARD_CONFIG) merged over the
                           built-in default, every setting filled in
      --defaults                print the built-in default alone (the settings there are to change)
  config diff [file]       What the file (else CHURNGUARD_CONFIG) changes in the built-in default, one line per
                           setting: ~ changed (default -> yours), + added, - removed
  simulate <scenario>      Run the real system over a scenario (.json, or .yaml/.yml; the format is in
                           docs/scenarios.md) on a virtual clock, sending nothing; mail is captured in the result
  simulate --synthetic N   ... or over N generated accounts (--days D, default 365; --seed S, default 1)
  simulate --from-import <dir>
                           ... or replay imported history: the accounts, signals (or events) and outcomes
                           files of <dir>, in the formats import reads; renewal_outcome signals count as
                           outcomes; the window runs from the first to the last dated record unless
                           --start YYYY-MM-DD / --days D say otherwise. Every file is checked first and every
                           problem listed at once, by file and line
      --skip-invalid            with --from-import: leave out records that do not validate (counted and listed)
      --config <file>           the playbook config to run (default: CHURNGUARD_CONFIG, else built-in)
      --out <file>              where the result goes (default: .churnguard/result.json)
      --summary                 print the summary as a table (holdouts: treated vs held-out outcomes)
      --write-scenario <file>   save the generated or replayed scenario
      --store memory|dynamodb-local
                                where the run keeps its data: the in-memory store adapter (default; it passes
                                the same tests as DynamoDB) or a private DynamoDB Local (slower, ~30 account-days/s)
      --shards N                split a synthetic run or a replay over N threads (default: one per core, at
                                least 100 accounts each); the result is the same as one thread's, byte for byte
  evaluate [result.json]   How well the health score foretold churn in a simulate result (default:
                           .churnguard/result.json), beside two plain baselines (days since last activity;
                           activity trend), overall and per segment: AUC for churn within 90 and 180 days,
                           precision and recall of red and of red-or-yellow at T-90 and T-60 before each renewal
                           outcome, median days of warning, churned accounts never red, churn rate by band at
                           T-90; each with a 95% interval from a bootstrap by account; and for each risk
                           trigger, the accounts it opened risks on, how many churned or renewed after, and its
                           precision beside the base rate
      --json                    print the evaluation as JSON
      --resamples <n>           bootstrap resamples (default 200, at most 2000)
      --seed <n>                the bootstrap's seed (default 1): the same seed gives the same intervals
  calibrate [result.json]  Fit per-segment health weights and band lines on the outcomes of a simulate result
                           (default: .churnguard/result.json): L2 logistic regression of churn within 90 days on
                           the component scores, cross-validated on 5 folds by account; prints the held-out AUC
                           before and after and writes a proposed config with what it changes. The live config
                           (--config, else CHURNGUARD_CONFIG, else the built-in default) is never changed. Needs
                           at least 20 churned accounts and 20 others, and says so when there are fewer
      --out <file>              where the proposed config goes (default: .churnguard/calibrated.config.json)
      --seed <n>                the folds' seed (default 1)
  help                     Show this help

Common options:
  --api <url>              API base URL (default: CHURNGUARD_API_URL, else the running local stack, else
                           http://127.0.0.1:$PORT or 3000)
  --key <key>              API key (default: CHURNGUARD_API_KEY, else .churnguard/local-api-key)
  --config <file>          the config file (default: CHURNGUARD_CONFIG, else the built-in default)

Examples:
  churnguard import examples/accounts.csv
  churnguard import examples/signals.jsonl --rejects bad-signals.jsonl
  churnguard sync hubspot --from hubspot-export/ --mapping examples/hubspot/mapping.json
  churnguard import salesforce-export/ --mapping examples/salesforce/mapping.json
  churnguard account acme
  churnguard stack-rank --segment core
  churnguard templates preview nudge_first_login --account acme
  churnguard config validate examples/churnguard.config.json
  churnguard config diff examples/churnguard.config.json
  churnguard config print --defaults
  churnguard simulate examples/scenario.yaml --config examples/churnguard.config.json --summary
  churnguard simulate --from-import exports/ --skip-invalid --out replay.json --summary
`;

class UsageError extends Error {}

/** Ctrl-C during an import: the first stops after the batch in flight, a second stops at once. */
function interruptOnCtrlC(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      process.stderr.write('\nCtrl-C: stopping after the batch in flight (Ctrl-C again to stop at once)\n');
      controller.abort();
      return;
    }
    process.stderr.write(
      'churnguard: stopped at once; the batch in flight may or may not be stored: run the same import again to be sure\n',
    );
    process.exit(IMPORT_EXIT.interrupted);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
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
        'skip-invalid': { type: 'boolean' },
        start: { type: 'string' },
        summary: { type: 'boolean' },
        account: { type: 'string' },
        segment: { type: 'string' },
        contact: { type: 'string' },
        milestone: { type: 'string' },
        config: { type: 'string' },
        defaults: { type: 'boolean' },
        resamples: { type: 'string' },
        mapping: { type: 'string' },
        from: { type: 'string', multiple: true },
        band: { type: 'string' },
        status: { type: 'string' },
        region: { type: 'string' },
        csm: { type: 'string' },
        sort: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        tier: { type: 'string' },
        cause: { type: 'string' },
        strategy: { type: 'string' },
        demo: { type: 'boolean' },
      },
    });
  } catch (error) {
    // An unknown option or a missing value: node's message names it.
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}; run churnguard --help`);
  }
}

/** Whether a mapping file is a CRM export's (it names its `source`), not a snapshot table's. */
function isCrmMapping(file: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'source' in parsed;
  } catch {
    return false;
  }
}

function positiveWhole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0))
    throw new UsageError(`--${name} must be a positive whole number, not "${value}"`);
  return n;
}

/** A CRM export through the API: `sync hubspot --from ...` and `import <dir> --mapping <crm mapping>`. */
async function syncCommand(
  values: ReturnType<typeof parse>['values'],
  from: readonly string[],
  preset: 'hubspot' | undefined,
): Promise<number> {
  const { syncCrmExport } = await import('./commands/crm-sync.ts');
  const target = resolveApiTarget(values);
  const ctrlC = interruptOnCtrlC();
  const summary = await syncCrmExport(target, {
    from,
    mappingFile: values.mapping,
    preset,
    rejectsFile: values.rejects,
    batchSize: positiveWhole('batch', values.batch),
    concurrency: positiveWhole('concurrency', values.concurrency),
    signal: ctrlC.signal,
  }).finally(() => ctrlC.release());
  const counts =
    `${summary.accepted} accounts stored, ${summary.rejected} rejected` +
    `${summary.rejectsFile ? ` (see ${summary.rejectsFile})` : ''}, ${summary.skipped} deals or contacts not used`;
  if (summary.stoppedAfterLine !== undefined) {
    process.stdout.write(
      `interrupted: ${summary.rows} of ${summary.companies} companies sent: ${counts}\n` +
        'To resume, run the same command again: accounts already stored are updated, not duplicated.\n',
    );
    return IMPORT_EXIT.interrupted;
  }
  process.stdout.write(`${summary.companies} companies in ${summary.seconds}s: ${counts}\n`);
  return summary.rejected > 0 ? IMPORT_EXIT.someRejected : IMPORT_EXIT.ok;
}

/** PostHog batch-export files through POST /v1/signals. */
async function syncPosthogCommand(
  values: ReturnType<typeof parse>['values'],
  from: readonly string[],
): Promise<number> {
  const { syncPosthogExport } = await import('./commands/posthog-sync.ts');
  const target = resolveApiTarget(values);
  const ctrlC = interruptOnCtrlC();
  const summary = await syncPosthogExport(target, {
    from,
    mappingFile: values.mapping,
    rejectsFile: values.rejects,
    batchSize: positiveWhole('batch', values.batch),
    concurrency: positiveWhole('concurrency', values.concurrency),
    signal: ctrlC.signal,
  }).finally(() => ctrlC.release());
  const ignored = Object.entries(summary.ignored)
    .map(([reason, n]) => `  ${n} ignored: ${reason}\n`)
    .join('');
  const counts =
    `${summary.accepted} signals stored, ${summary.duplicates} duplicates, ${summary.rejected} rejected` +
    `${summary.rejectsFile ? ` (see ${summary.rejectsFile})` : ''}`;
  if (summary.stoppedAfterLine !== undefined) {
    process.stdout.write(`interrupted: ${counts}\nTo resume, run the same command again.\n${ignored}`);
    return IMPORT_EXIT.interrupted;
  }
  process.stdout.write(`${summary.rows} signals in ${summary.seconds}s: ${counts}\n${ignored}`);
  return summary.rejected > 0 ? IMPORT_EXIT.someRejected : IMPORT_EXIT.ok;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case 'dev':
      if (values.config) process.env[CONFIG_ENV] = values.config;
      await import('#local/start');
      return -1;
    case 'import': {
      const file = rest[0];
      if (!file) throw new UsageError('import needs a file: churnguard import <file>');
      if (values.mapping !== undefined && !values.out && isCrmMapping(values.mapping)) {
        return syncCommand(values, [file], undefined);
      }
      if (values.mapping !== undefined) {
        if (!values.out) throw new UsageError('import --mapping needs --out <dir> for the files it writes');
        const { importTable } = await import('./commands/import-table.ts');
        const done = importTable({ file, mappingFile: values.mapping, outDir: values.out });
        process.stdout.write(
          `${done.rows} rows: ${done.accounts.length} accounts, ${done.signals.length} signals, ` +
            `${done.outcomes.length} outcomes written to ${values.out} ` +
            `(replay them with: churnguard simulate --from-import ${values.out})\n` +
            done.errors.map((e) => `  ${e.path}: ${e.message}\n`).join(''),
        );
        return done.errors.length ? IMPORT_EXIT.someRejected : 0;
      }
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
      const target = resolveApiTarget(values);
      const ctrlC = interruptOnCtrlC();
      const summary = await importFile(target, {
        file,
        kind: values.kind as 'accounts' | 'signals' | undefined,
        rejectsFile: values.rejects,
        batchSize,
        concurrency,
        signal: ctrlC.signal,
      }).finally(() => ctrlC.release());
      const counts =
        `${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected} rejected` +
        `${summary.rejectsFile ? ` (see ${summary.rejectsFile})` : ''}`;
      if (summary.stoppedAfterLine !== undefined) {
        const where =
          summary.stoppedAfterLine === 0
            ? 'before any row was sent'
            : `after line ${summary.stoppedAfterLine} of ${file} (every row up to it was sent)`;
        process.stdout.write(
          `interrupted ${where}: ${summary.rows} ${summary.kind} rows sent in ${summary.seconds}s: ${counts}\n` +
            `To resume, run the same command again: rows already stored come back as duplicates.\n`,
        );
        return IMPORT_EXIT.interrupted;
      }
      process.stdout.write(`${summary.rows} ${summary.kind} rows in ${summary.seconds}s: ${counts}\n`);
      return summary.rejected > 0 ? IMPORT_EXIT.someRejected : IMPORT_EXIT.ok;
    }
    case 'sync': {
      const [vendor] = rest;
      if (vendor !== 'hubspot' && vendor !== 'posthog')
        throw new UsageError('sync needs a source: churnguard sync hubspot|posthog --from <export>');
      if (!values.from?.length) throw new UsageError(`sync ${vendor} needs --from <export folder or files>`);
      if (vendor === 'posthog') return syncPosthogCommand(values, values.from);
      return syncCommand(values, values.from, 'hubspot');
    }
    case 'account': {
      const id = rest[0];
      if (!id) throw new UsageError('account needs an id: churnguard account <id> [--json]');
      const target = resolveApiTarget(values);
      process.stdout.write(await showAccount(target, id, values.json ?? false));
      if (!values.json) process.stdout.write(renderNudges(await fetchNudges(target, id)));
      return 0;
    }
    case 'posts': {
      const { fetchPosts, renderPosts } = await import('./commands/posts.ts');
      const posts = await fetchPosts();
      process.stdout.write(values.json ? `${JSON.stringify(posts, null, 2)}\n` : renderPosts(posts));
      return 0;
    }
    case 'stack-rank': {
      const answer = await fetchStackRank(resolveApiTarget(values), values.segment);
      process.stdout.write(values.json ? `${JSON.stringify(answer, null, 2)}\n` : renderStackRank(answer));
      return 0;
    }
    case 'accounts': {
      const { status, band, segment, region, csm, sort, limit, cursor } = values;
      const options = { status, band, segment, region, csm, sort, limit, cursor };
      process.stdout.write(await showAccounts(resolveApiTarget(values), options, values.json ?? false));
      return 0;
    }
    case 'risks': {
      const { region, segment, tier, cause, strategy } = values;
      const options = { region, segment, tier, cause, strategy };
      process.stdout.write(await showRisks(resolveApiTarget(values), options, values.json ?? false));
      return 0;
    }
    case 'report': {
      if (!values.out)
        throw new UsageError(
          'report needs --out <file>: churnguard report --out report.html (from the API) or churnguard report result.json --out report.html (from a simulate result)',
        );
      if (rest[0]) {
        const fromResult = await writeReportFromResult(rest[0], values.out, values.config);
        process.stdout.write(
          `wrote ${values.out} (${fromResult.accounts} accounts of ${rest[0]} as of ${fromResult.asOf}, ${Math.round(fromResult.bytes / 1024)} KB; opens offline)\n`,
        );
        return 0;
      }
      const written = await writeReport(resolveApiTarget(values), values.out);
      process.stdout.write(
        `wrote ${values.out} (${written.accounts} account pages, ${Math.round(written.bytes / 1024)} KB; opens offline)\n`,
      );
      return 0;
    }
    case 'templates': {
      const [action, name] = rest;
      if (action !== 'preview' || !name || !values.account) {
        throw new UsageError(
          'usage: churnguard templates preview <name> --account <id> [--contact <id>] [--milestone <id>] [--out <file>]',
        );
      }
      const { previewTemplate } = await import('./commands/templates-preview.ts');
      process.stdout.write(
        await previewTemplate(resolveApiTarget(values), {
          template: name,
          accountId: values.account,
          contactId: values.contact,
          milestone: values.milestone,
          configFile: values.config,
          out: values.out ?? join(localHome(), 'previews', `${name}.${values.account}.html`),
        }),
      );
      return 0;
    }
    case 'config': {
      const [action, given] = rest;
      const file = given ?? values.config;
      if (action === 'validate') {
        const report = await validateConfig(file);
        process.stdout.write(report.text);
        return report.ok ? 0 : 1;
      }
      if (action === 'print') {
        const { printConfig } = await import('./commands/config-print.ts');
        process.stdout.write(await printConfig(file, values.defaults ?? false));
        return 0;
      }
      if (action === 'diff') {
        const { diffConfig } = await import('./commands/config-diff.ts');
        process.stdout.write(await diffConfig(file));
        return 0;
      }
      throw new UsageError(
        'usage: churnguard config validate [file] | config print [file] [--defaults] | config diff [file]',
      );
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
      if (values['skip-invalid'] && fromImport === undefined) {
        throw new UsageError('--skip-invalid goes with --from-import <dir>');
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
      const { result, out, skipped } = await simulate({
        scenarioFile: rest[0],
        synthetic,
        fromImport,
        start: values.start,
        configFile: values.config,
        days: number('days', values.days),
        seed: number('seed', values.seed),
        out: values.out,
        writeScenario: values['write-scenario'],
        skipInvalid: values['skip-invalid'] ?? false,
        ...(store ? { store: store as SimulationStore } : {}),
        ...(values.shards !== undefined ? { shards: number('shards', values.shards) } : {}),
      });
      if (skipped.length > 0) {
        process.stdout.write(
          `skipped ${skipped.length} invalid record${skipped.length === 1 ? '' : 's'} (--skip-invalid):\n` +
            `${skipped.map((e) => `  ${e.path}: ${e.message}`).join('\n')}\n`,
        );
      }
      process.stdout.write(
        `${result.actions.length} actions, ${result.skipped.length} not sent, ${result.emails.length} emails; result in ${out}\n`,
      );
      if (values.summary) process.stdout.write(`${summaryTable(result.summary)}\n`);
      return 0;
    }
    case 'evaluate': {
      const whole = (name: string, text: string | undefined, fallback: number, max: number) => {
        if (text === undefined) return fallback;
        const value = Number(text);
        if (!Number.isInteger(value) || value < 0 || value > max)
          throw new UsageError(`--${name} must be a whole number from 0 to ${max}, not "${text}"`);
        return value;
      };
      const { MAX_RESAMPLES } = await import('#core/evaluation/bootstrap');
      const { evaluateResultFile, renderEvaluation } = await import('./commands/evaluate.ts');
      const { defaultResultFile } = await import('./commands/simulate.ts');
      const evaluation = evaluateResultFile({
        resultFile: rest[0] ?? defaultResultFile(),
        resamples: whole('resamples', values.resamples, 200, MAX_RESAMPLES),
        seed: whole('seed', values.seed, 1, 2 ** 32 - 1),
      });
      process.stdout.write(
        values.json ? `${JSON.stringify(evaluation, null, 2)}\n` : `${renderEvaluation(evaluation)}\n`,
      );
      return 0;
    }
    case 'calibrate': {
      const seed = values.seed === undefined ? 1 : Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
        throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 32 - 1}, not "${values.seed}"`);
      const { calibrateResultFile, renderCalibration } = await import('./commands/calibrate.ts');
      const { defaultResultFile } = await import('./commands/simulate.ts');
      const outcome = await calibrateResultFile({
        resultFile: rest[0] ?? defaultResultFile(),
        configFile: values.config,
        out: values.out,
        seed,
      });
      process.stdout.write(
        values.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${renderCalibration(outcome)}\n`,
      );
      return outcome.report.status === 'fitted' ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command "${command}"; run churnguard --help`);
  }
}

main(process.argv.slice(2))
  .then((code) => {
    if (code >= 0) process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`churnguard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode =
      error instanceof UsageError
        ? IMPORT_EXIT.usage
        : error instanceof ImportFileError ||
            error instanceof EvaluateInputError ||
            error instanceof ReportInputError
          ? IMPORT_EXIT.badFile
          : IMPORT_EXIT.failed;
  });
