import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '#config/schema';
import type { OutcomeGroup, SimSummary } from '#core/simulation/summary';
import type { FieldError } from '#core/validation';
import { localHome } from '#local/home';
import { eventFields, runSimulation, type SimulationInput } from '#local/simulation/run';
import {
  defaultShards,
  type ImportedReplay,
  runShardedReplay,
  runShardedSimulation,
} from '#local/simulation/shards';
import type { SimulationStore } from '#local/simulation/store';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { Progress } from '../progress.ts';
import { loadCliConfig } from './config-file.ts';
import { loadScenarioFile } from './scenario-file.ts';
import { loadImportedHistory } from './simulate-import.ts';

export interface SimulateOptions {
  scenarioFile?: string;
  /** A directory of imported history (accounts, signals and outcomes files) to replay. */
  fromImport?: string;
  /** First day of a replay (default: from the data). */
  start?: string;
  /** A config file (.json, or a .ts/.js module) instead of the built-in default. */
  configFile?: string;
  synthetic?: number;
  days?: number;
  seed?: number;
  /** Where result.json goes; default `<the local stack's home>/result.json` (.churnguard/, git-ignored). */
  out?: string;
  writeScenario?: string;
  /** With --from-import: leave out records that do not validate (counted and listed) instead of refusing. */
  skipInvalid?: boolean;
  summary?: boolean;
  /** Where the run keeps its data (default: the in-memory store adapter). */
  store?: SimulationStore;
  /** Threads a synthetic run or a replay is split over (default: one per core, at least 100 accounts each). */
  shards?: number;
}

/** Saves an input as a scenario file `churnguard simulate <file>` reads back. */
function writeScenario(input: SimulationInput, file: string) {
  const signals = Array.from({ length: input.days }, (_, d) => input.signalsForDay(d)).flat();
  const { start, days, accounts, outcomes } = input;
  const scenario = { start, days, accounts, signals, ...eventFields(input.events), outcomes };
  writeFileSync(file, `${JSON.stringify(scenario)}\n`);
}

function syntheticInput(accounts: number, days: number, seed: number, writeTo?: string): SimulationInput {
  const input = syntheticSimulationInput(accounts, days, seed);
  if (writeTo) writeScenario(input, writeTo);
  return input;
}

const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)}%`);

/** `12 accounts: churned 2, renewed 5, no outcome 5; churn 29%` */
function outcomeCell(group: OutcomeGroup): string {
  const counts = [
    ...Object.entries(group.outcomes).map(([outcome, n]) => `${outcome} ${n}`),
    ...(group.noOutcome ? [`no outcome ${group.noOutcome}`] : []),
  ];
  return `${group.accounts} accounts${counts.length ? `: ${counts.join(', ')}` : ''}; churn ${percent(group.churnRate)}`;
}

export function summaryTable(summary: SimSummary): string {
  const rows: [string, string][] = [
    ...Object.entries(summary.actionsByKind).map(([k, v]): [string, string] => [`actions: ${k}`, String(v)]),
    ...Object.entries(summary.actionsByPlay).map(([k, v]): [string, string] => [`play: ${k}`, String(v)]),
    ...Object.entries(summary.skippedByReason).map(([k, v]): [string, string] => [
      `not sent: ${k}`,
      String(v),
    ]),
    ['messages per contact per week (max)', String(summary.messagesPerContactWeek.max)],
    ['messages per contact per week (p95)', String(summary.messagesPerContactWeek.p95)],
    ...Object.entries(summary.escalationsByTier).map(([k, v]): [string, string] => [
      `escalations at tier ${k}`,
      String(v),
    ]),
  ];
  if (summary.warning) {
    const w = summary.warning;
    rows.push(
      ['churned accounts', String(w.churned)],
      ['churned accounts warned before churning', String(w.warnedChurned)],
      ['median days of warning', w.medianDaysOfWarning === null ? 'n/a' : String(w.medianDaysOfWarning)],
      ['share warned >= 60 days ahead', `${Math.round(w.shareWarnedAtLeast60Days * 100)}%`],
      ['red at T-90: precision', w.redAtT90.precision === null ? 'n/a' : w.redAtT90.precision.toFixed(2)],
      ['red at T-90: recall', w.redAtT90.recall === null ? 'n/a' : w.redAtT90.recall.toFixed(2)],
    );
  }
  // Plays that reached nobody in the window stay in result.json but would only pad the table.
  for (const h of summary.holdouts.filter(
    (p) => p.treated.accounts + p.heldOut.accounts + p.silent.accounts,
  )) {
    const share = h.share === null ? '' : ` (${Math.round(h.share * 100)}% held out)`;
    rows.push(
      [`holdout ${h.play}${share}: treated`, outcomeCell(h.treated)],
      [`holdout ${h.play}${share}: held out`, outcomeCell(h.heldOut)],
    );
    if (h.silent.accounts > 0) rows.push([`holdout ${h.play}${share}: silent`, outcomeCell(h.silent)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** The config for the run (the file, else CHURNGUARD_CONFIG), through the checks of `churnguard config validate`. */
export async function loadSimulationConfig(file?: string): Promise<Config> {
  return (await loadCliConfig(file)).config;
}

/** Where result.json goes unless --out says: the local stack's home (.churnguard/), which git ignores. */
export const defaultResultFile = () => join(localHome(), 'result.json');

/** Only the in-memory store runs in threads: DynamoDB Local is one table the shards would share. */
const inMemory = (options: SimulateOptions) => (options.store ?? 'memory') === 'memory';

async function chooseInput(
  options: SimulateOptions,
  config: Config,
): Promise<{ input: SimulationInput; skipped: FieldError[]; replay?: ImportedReplay }> {
  if (options.synthetic !== undefined) {
    const input = syntheticInput(
      options.synthetic,
      options.days ?? 365,
      options.seed ?? 1,
      options.writeScenario,
    );
    return { input, skipped: [] };
  }
  if (options.fromImport !== undefined) {
    const history = await loadImportedHistory({
      dir: options.fromImport,
      start: options.start,
      days: options.days,
      config,
      skipInvalid: options.skipInvalid ?? false,
      shards: inMemory(options) ? (options.shards ?? defaultShards) : 1,
    });
    if (options.writeScenario) writeScenario(history.input, options.writeScenario);
    return { input: history.input, skipped: history.skipped, replay: history.replay };
  }
  return { input: loadScenarioFile(options.scenarioFile ?? ''), skipped: [] };
}

export async function simulate(options: SimulateOptions) {
  // The config first: a bad one fails before anything is read or run.
  const { config, file } = await loadCliConfig(options.configFile);
  const { input, skipped, replay } = await chooseInput(options, config);
  const progress = new Progress('simulating days', input.days);
  const started = Date.now();
  const onDay = (day: number) => progress.update(day, `${input.accounts.length} accounts`);
  const shards =
    options.synthetic !== undefined && inMemory(options)
      ? (options.shards ?? defaultShards(options.synthetic))
      : 1;
  const runOptions = { onDay, ...(file ? { config } : {}) };
  const result = await (async () => {
    try {
      if (replay && replay.shards > 1) return await runShardedReplay(input, replay, runOptions);
      if (shards > 1 && options.synthetic !== undefined)
        return await runShardedSimulation(
          { accounts: options.synthetic, days: input.days, seed: options.seed ?? 1 },
          shards,
          runOptions,
        );
      return await runSimulation(input, {
        ...runOptions,
        ...(options.store ? { store: options.store } : {}),
      });
    } finally {
      replay?.remove();
    }
  })();
  progress.finish(
    input.days,
    `${input.accounts.length} accounts in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  const out = options.out ?? defaultResultFile();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  return { result, out, skipped };
}
