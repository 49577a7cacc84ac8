import { readFileSync, writeFileSync } from 'node:fs';
import { scenarioSchema } from '#core/simulation/scenario';
import type { OutcomeGroup, SimSummary } from '#core/simulation/summary';
import { fieldErrors } from '#core/validation';
import { runSimulation, ScenarioError, type SimulationInput, scenarioInput } from '#local/simulation/run';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { Progress } from '../progress.ts';

export interface SimulateOptions {
  scenarioFile?: string;
  synthetic?: number;
  days?: number;
  seed?: number;
  out?: string;
  writeScenario?: string;
  summary?: boolean;
}

function loadScenario(file: string): SimulationInput {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not readable JSON: ${(error as Error).message} (scenarios are JSON)`);
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new ScenarioError(fieldErrors(parsed.error));
  return scenarioInput(parsed.data);
}

function syntheticInput(accounts: number, days: number, seed: number, writeTo?: string): SimulationInput {
  const input = syntheticSimulationInput(accounts, days, seed);
  if (writeTo) {
    const signals = Array.from({ length: days }, (_, d) => input.signalsForDay(d)).flat();
    const { start, accounts: list, acks, outcomes } = input;
    writeFileSync(writeTo, `${JSON.stringify({ start, days, accounts: list, signals, acks, outcomes })}\n`);
  }
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
  for (const h of summary.holdouts) {
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

export async function simulate(options: SimulateOptions) {
  const input =
    options.synthetic !== undefined
      ? syntheticInput(options.synthetic, options.days ?? 365, options.seed ?? 1, options.writeScenario)
      : loadScenario(options.scenarioFile ?? '');
  const progress = new Progress('simulating days', input.days);
  const started = Date.now();
  const result = await runSimulation(input, (day) =>
    progress.update(day, `${input.accounts.length} accounts`),
  );
  progress.finish(
    input.days,
    `${input.accounts.length} accounts in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  const out = options.out ?? 'result.json';
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  return { result, out };
}
