import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { parseConfigOverrides } from '#config/file';
import type { CustomMeasure, Scale } from '#config/measures-schema';
import { configChanges } from '#config/overrides';
import { type CalibrationReport, calibrate, type MeasureCalibration } from '#core/calibration/calibrate';
import type { MeasureParams } from '#core/calibration/measure-params';
import type { RedFigures } from '#core/calibration/red-at-checkpoint';
import { historyFromSimulation } from '#core/evaluation/from-simulation';
import type { MeasureSwitch } from '#core/health/components/engagement';
import { localHome } from '#local/home';
import { changeLine } from './config-diff.ts';
import { loadCliConfig } from './config-file.ts';
import { EvaluateInputError, readSimulationHistory } from './evaluate.ts';

export interface CalibrateCommandOptions {
  resultFile: string;
  /** The live config (default: CHURNGUARD_CONFIG, else the built-in default); it is read, never written. */
  configFile?: string;
  /** Where the proposed config goes (default: .churnguard/calibrated.config.json). */
  out?: string;
  seed: number;
}

export interface CalibrateOutcome {
  report: CalibrationReport;
  /** The proposed config file and what it changes in the live config; absent when nothing was fitted. */
  proposal?: {
    file: string;
    /** The live file's settings and the fitted ones (a JSON or no live file), or the fitted ones alone (a module). */
    standalone: boolean;
    diff: string[];
  };
}

export const defaultProposalFile = () => join(localHome(), 'calibrated.config.json');

const jsonObject = z.record(z.string(), z.unknown());
type Json = z.infer<typeof jsonObject>;

/** The object under `key`, made when missing (a value that is no object is replaced: the config refuses it anyway). */
const objectAt = (parent: Json, key: string): Json => {
  const child = jsonObject.safeParse(parent[key]);
  const object = child.success ? child.data : {};
  parent[key] = object;
  return object;
};

/** The live file's own settings (a .json file), else none: the proposal adds the fitted health sections to them. */
function liveOverrides(file: string | undefined): Json {
  if (!file?.endsWith('.json')) return {};
  const parsed = jsonObject.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : {};
}

/**
 * `churnguard calibrate <result.json>`: fits per-segment weights and band lines on the run's outcomes, prints the
 * held-out AUC before and after, and writes the proposed config (the live file's settings plus the fitted health
 * sections) with what it changes. The live config is only read.
 */
export async function calibrateResultFile(options: CalibrateCommandOptions): Promise<CalibrateOutcome> {
  const live = await loadCliConfig(options.configFile);
  const history = historyFromSimulation(readSimulationHistory(options.resultFile));
  const report = calibrate(history, live.config, { seed: options.seed });
  if (report.status !== 'fitted') return { report };
  const measures = report.measures.status === 'fitted' ? movedMeasures(report.measures) : {};
  if (!report.segments.some((s) => s.after) && Object.keys(measures).length === 0) return { report };
  const out = resolve(options.out ?? defaultProposalFile());
  if (live.file && resolve(live.file) === out)
    throw new EvaluateInputError(
      `--out ${out} is the live config: calibrate never changes it; write elsewhere`,
    );
  // A JSON config's own settings go into the proposal, so it stands alone; a module's cannot be rewritten.
  const standalone = live.file === undefined || live.file.endsWith('.json');
  const fitted: Json = {};
  const proposal = standalone ? structuredClone(liveOverrides(live.file)) : {};
  for (const target of [fitted, proposal]) {
    for (const segment of report.segments) {
      if (!segment.after) continue;
      const health = objectAt(objectAt(objectAt(target, 'segments'), segment.segment), 'health');
      // Replace, not merge: a component the fit gave no weight must drop out of the weights it had.
      health.weights = { $patch: 'replace', ...segment.after.weights };
      health.bands = { ...segment.after.bands };
    }
    if (Object.keys(measures).length > 0)
      Object.assign(objectAt(objectAt(target, 'health'), 'measures'), structuredClone(measures));
  }
  const afterCalibration = parseConfigOverrides(fitted, live.config);
  const checked = standalone ? parseConfigOverrides(proposal) : afterCalibration;
  if (!afterCalibration.ok || !checked.ok) {
    const errors = [afterCalibration, checked].flatMap((r) => (r.ok ? [] : r.errors));
    throw new Error(
      `the proposed config does not validate: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(proposal, null, 2)}\n`);
  return {
    report,
    proposal: {
      file: out,
      standalone,
      diff: configChanges(live.config, afterCalibration.config).map(changeLine),
    },
  };
}

/**
 * The health.measures settings the fit moved, as config overrides: the scale replaced whole (its kinds take
 * different fields), the custom measures as a list (a list in a config file replaces the default's).
 */
function movedMeasures({ before, after }: { before: MeasureParams; after: MeasureParams }): Json {
  const moved: Json = {};
  if (!isDeepStrictEqual(before.scale, after.scale)) moved.scale = { $patch: 'replace', ...after.scale };
  if (!isDeepStrictEqual(before.custom, after.custom)) moved.custom = after.custom.map((c) => ({ ...c }));
  // The fit only turns a setting off (MeasureParams.switches).
  if (before.switches.perSeat && !after.switches.perSeat) moved.perSeat = false;
  if (before.switches.perArr && !after.switches.perArr) moved.perArr = null;
  if (before.switches.ownHistory && !after.switches.ownHistory) moved.ownHistory = null;
  return moved;
}

const scaleText = (scale: Scale) =>
  scale.kind === 'linear'
    ? 'linear (100 at the baseline)'
    : `log (${scale.atBaseline} at the baseline, 100 at ${scale.ceilingRatio} times it)`;

const customText = (measure: CustomMeasure) =>
  measure.kind === 'numeric'
    ? `${measure.direction} is better, ${measure.expected} expected, weight ${measure.weight}`
    : `${Object.entries(measure.scores)
        .map(([category, score]) => `"${category}" ${score}`)
        .join(
          ', ',
        )}${measure.otherwise === undefined ? '' : `, otherwise ${measure.otherwise}`}, weight ${measure.weight}`;

const SWITCH_TEXT: Record<MeasureSwitch, string> = {
  perSeat: 'usage per seat (perSeat)',
  perArr: 'usage per unit of ARR (perArr)',
  ownHistory: 'usage against its own history (ownHistory)',
};

const movedText = (before: string, after: string) =>
  before === after ? `${after} (kept)` : `${before} → ${after}`;

function measureLines(measures: MeasureCalibration): string[] {
  if (measures.status === 'not-fitted') return ['', `Measures not fitted: ${measures.note}.`];
  const { before, after } = measures;
  return [
    '',
    'Measures (health.measures), fitted with the weights in each fold and kept where the outcomes gave no reason to ' +
      'move them:',
    `  scale: ${movedText(scaleText(before.scale), scaleText(after.scale))}`,
    ...(Object.keys(before.switches) as MeasureSwitch[]).flatMap((setting) =>
      before.switches[setting]
        ? [`  ${SWITCH_TEXT[setting]}: ${movedText('on', after.switches[setting] ? 'on' : 'off')}`]
        : [],
    ),
    ...after.custom.map((measure, index) => {
      const was = before.custom[index] ?? measure;
      return `  ${measure.id} (${measure.label}): ${movedText(customText(was), customText(measure))}`;
    }),
  ];
}

const auc = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
const weightsText = (weights: Record<string, number | undefined>) =>
  Object.entries(weights)
    .map(([component, weight]) => `${component} ${weight}`)
    .join(', ');

const share = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));
const redText = (f: RedFigures) =>
  `${f.red} of ${f.outcomes} red, precision ${share(f.precision)}, recall ${share(f.recall)} of ${f.churned} churns`;

export function renderCalibration({ report, proposal }: CalibrateOutcome): string {
  if (report.status === 'too-little-history') return `Not calibrated: ${report.message}`;
  const lines = [
    `Fitted on ${report.churnedAccounts} churned accounts and ${report.otherAccounts} others ` +
      '(L2 logistic regression of churn within 90 days on the component scores; 5 folds by account).',
    `Held-out AUC, churn within 90 days: before ${auc(report.heldOut.before)}, after ${auc(report.heldOut.after)} ` +
      `(better on ${report.folds.filter((f) => (f.after ?? 0) > (f.before ?? 0)).length} of ${report.folds.length} folds)`,
    `Held-out red at T-90 (renewal outcomes of held-out accounts with a band then): ` +
      `before ${redText(report.redAtT90.before)}; after ${redText(report.redAtT90.after)}`,
    ...report.folds.map(
      (f, i) =>
        `  fold ${i + 1}: before ${auc(f.before)}, after ${auc(f.after)} (${f.cases} account-days, ` +
        `${f.positives} followed by churn within 90 days)`,
    ),
  ];
  lines.push(...measureLines(report.measures));
  for (const s of report.segments) {
    lines.push(
      '',
      `Segment ${s.segment} (${s.accounts} accounts, ${s.churnedAccounts} churned): ${s.note}`,
      `  weights before: ${weightsText(s.before.weights)}; bands green ${s.before.bands.green}, yellow ${s.before.bands.yellow}`,
    );
    if (s.after)
      lines.push(
        `  weights after:  ${weightsText(s.after.weights)}; bands green ${s.after.bands.green}, yellow ${s.after.bands.yellow}`,
      );
  }
  if (proposal)
    lines.push(
      '',
      `Proposed config written to ${proposal.file} (the live config is unchanged)` +
        (proposal.standalone
          ? '; what it changes:'
          : ': the fitted health sections alone, as your config is a module: merge them into it. What they change:'),
      ...proposal.diff,
    );
  const { before, after } = report.heldOut;
  if (proposal && before !== null && after !== null && after <= before)
    lines.push(
      '',
      'The proposal ranked held-out accounts no better than the live config: keep the live config (the proposal ' +
        'is written to be looked at, not deployed).',
    );
  return lines.join('\n');
}
