import { readFileSync } from 'node:fs';
import { utcDay } from '#core/clock';
import type { Estimate } from '#core/evaluation/bootstrap';
import { type Evaluation, evaluateHistory, type GroupEvaluation } from '#core/evaluation/evaluate';
import {
  historyFromSimulation,
  type SimulationHistory,
  simulationHistorySchema,
} from '#core/evaluation/from-simulation';
import { TRIGGER_LABELS } from '#core/evaluation/triggers';
import { addDays } from '#core/health/days';
import { fieldErrors } from '#core/validation';

export class EvaluateInputError extends Error {}

export interface EvaluateOptions {
  /** A `churnguard simulate` result (result.json). */
  resultFile: string;
  resamples: number;
  seed: number;
}

/** A result.json read and parsed as JSON, or an EvaluateInputError saying why not (evaluate, calibrate, report). */
export function readResult(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EvaluateInputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new EvaluateInputError(`${file} is not JSON: give the result.json a churnguard simulate run wrote`);
  }
}

/** A simulation result file, checked: what evaluate and calibrate read of it. */
export function readSimulationHistory(resultFile: string): SimulationHistory {
  const parsed = simulationHistorySchema.safeParse(readResult(resultFile));
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error)
      .slice(0, 10)
      .map((e) => `  ${e.path}: ${e.message}`)
      .join('\n');
    throw new EvaluateInputError(
      `${resultFile} is not a simulation result evaluate can read (one written before evaluate existed ` +
        `has no daily history or outcomes: run simulate again):\n${problems}`,
    );
  }
  return parsed.data;
}

/** Evaluates a simulation result: the score and the two baselines, overall and per segment. */
export function evaluateResultFile(options: EvaluateOptions): Evaluation {
  return evaluateHistory(historyFromSimulation(readSimulationHistory(options.resultFile)), {
    resamples: options.resamples,
    seed: options.seed,
  });
}

const number = (value: number | null, digits: number) => (value === null ? 'n/a' : value.toFixed(digits));

/** `0.72 (0.65-0.79)`: the figure and its 95% interval. */
function cell(estimate: Estimate, digits = 2): string {
  if (estimate.value === null) return 'n/a';
  const range =
    estimate.low === null || estimate.high === null
      ? ''
      : ` (${number(estimate.low, digits)}-${number(estimate.high, digits)})`;
  return `${number(estimate.value, digits)}${range}`;
}

/** Rows of text in columns as wide as their widest cell. */
function columns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map(
    (row) =>
      indent +
      row
        .map((text, column) => text.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
  );
}

/** Each trigger's record: the accounts it opened risks on, how their next renewal went, and its precision. */
function triggerLines(group: GroupEvaluation): string[] {
  const base = group.renewalOutcomes;
  if (group.triggers === null)
    return ['  risk triggers: this result does not say which trigger opened each risk (run simulate again)'];
  const heading =
    `  Risk triggers: accounts each opened a risk on, and the renewal that followed (base rate: ${base.churned} ` +
    `of ${base.outcomes} renewal outcomes churned)`;
  if (group.triggers.length === 0) return [heading, '    no risk was opened'];
  return [
    heading,
    ...columns(
      [
        ['trigger', 'accounts', 'churned', 'renewed', 'no outcome yet', 'precision'],
        ...group.triggers.map((t) => [
          `${t.trigger} (${TRIGGER_LABELS[t.trigger]})`,
          String(t.accounts),
          String(t.churned),
          String(t.renewed),
          String(t.pending),
          cell(t.precision),
        ]),
      ],
      '    ',
    ),
  ];
}

/** The evaluation as a table per group: one row per figure, one column per predictor. */
export function renderEvaluation(evaluation: Evaluation): string {
  const lines = [
    `Evaluated ${evaluation.days} days from ${evaluation.start}; 95% intervals from ${evaluation.bootstrap.resamples} ` +
      `resamples of accounts (seed ${evaluation.bootstrap.seed}); AUC over account-days every ${evaluation.step} days.`,
    'Baselines are banded at the shares of account-days the score puts in red and in red-or-yellow.',
  ];
  if (evaluation.lastSampledDay < evaluation.days - 1) {
    const last = utcDay(addDays(new Date(`${evaluation.start}T00:00:00Z`), evaluation.lastSampledDay));
    lines.push(
      `Account-days sampled up to ${last} (day ${evaluation.lastSampledDay}), the last day any account's product ` +
        'activity arrived: after it the data had stopped and scores only aged, alike for every account.',
    );
  }
  for (const group of evaluation.groups) {
    const [score] = group.predictors;
    if (!score) continue;
    const rows: string[][] = [
      ['', ...group.predictors.map((p) => p.label)],
      ['AUC, churn within 90 days', ...group.predictors.map((p) => cell(p.figures.auc90))],
      ['AUC, churn within 180 days', ...group.predictors.map((p) => cell(p.figures.auc180))],
    ];
    for (const [name, at] of [
      ['T-90', 'atT90'],
      ['T-60', 'atT60'],
    ] as const) {
      rows.push(
        [`red at ${name}: precision`, ...group.predictors.map((p) => cell(p.figures[at].red.precision))],
        [`red at ${name}: recall`, ...group.predictors.map((p) => cell(p.figures[at].red.recall))],
        [
          `red or yellow at ${name}: precision`,
          ...group.predictors.map((p) => cell(p.figures[at].redOrYellow.precision)),
        ],
        [
          `red or yellow at ${name}: recall`,
          ...group.predictors.map((p) => cell(p.figures[at].redOrYellow.recall)),
        ],
      );
    }
    rows.push(
      [
        'median days of warning (first red)',
        ...group.predictors.map((p) => cell(p.figures.medianDaysOfWarning, 0)),
      ],
      ['churned accounts never red', ...group.predictors.map((p) => cell(p.figures.shareChurnedNeverRed))],
    );
    for (const band of ['green', 'yellow', 'red'] as const)
      rows.push([
        `churn rate, ${band} at T-90`,
        ...group.predictors.map((p) => cell(p.figures.churnRateAtT90[band])),
      ]);
    const c = score.counts;
    lines.push(
      '',
      `${group.group === 'all' ? 'All accounts' : `Segment ${group.group}`}: ${group.accounts} accounts, ` +
        `${group.churnedAccounts} churned`,
      ...columns(rows),
      `  evidence: ${c.auc90.cases} account-days for AUC 90 (${c.auc90.positives} churned within 90 days), ` +
        `${c.auc180.cases} for AUC 180 (${c.auc180.positives}); renewal outcomes with a band at T-90: ` +
        `${c.atT90.outcomes} (${c.atT90.churned} churned), at T-60: ${c.atT60.outcomes} (${c.atT60.churned}); ` +
        `churned accounts scored before churning: ${c.churnedScoredBefore}`,
      ...triggerLines(group),
    );
  }
  return lines.join('\n');
}
