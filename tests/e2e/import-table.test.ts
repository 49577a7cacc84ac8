import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '#core/evaluation/evaluate';

/** A snapshot churn table through import --mapping, simulate --from-import, evaluate and calibrate, as a user runs them. */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/churnguard.js');
const TABLE = join(ROOT, 'tests/fixtures/churn-table/table.csv');
const MAPPING = join(ROOT, 'tests/fixtures/churn-table/mapping.json');
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-table-'));
const run = promisify(execFile);
const churnguard = (args: string[]) =>
  run(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CHURNGUARD_HOME: join(scratch, 'home'), CHURNGUARD_CONFIG: '' },
  });

const rows = readFileSync(TABLE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));
const churned = rows.filter((cells) => cells[6] === 'Yes').length;
const filled = rows.flatMap((cells) => [cells[4], cells[5]]).filter((cell) => cell !== '').length;

let imported: string;
let evaluation: Evaluation;
let calibrated: string;
const dir = join(scratch, 'history');
const proposal = join(scratch, 'proposed.json');

beforeAll(async () => {
  imported = (await churnguard(['import', TABLE, '--mapping', MAPPING, '--out', dir])).stdout;
  const result = join(scratch, 'result.json');
  await churnguard(['simulate', '--from-import', dir, '--out', result]);
  evaluation = JSON.parse((await churnguard(['evaluate', result, '--json', '--resamples', '50'])).stdout);
  calibrated = (await churnguard(['calibrate', result, '--out', proposal])).stdout;
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a snapshot churn table, end to end', () => {
  it('imports every row as an account, every filled cell as a signal and every row’s outcome', () => {
    expect(imported).toContain(
      `${rows.length} rows: ${rows.length} accounts, ${filled} signals, ${rows.length} outcomes written to ${dir}`,
    );
  });

  it('is evaluated at T-90 before each outcome: the snapshot day', () => {
    const [all] = evaluation.groups;
    expect(all).toMatchObject({ group: 'all', accounts: rows.length, churnedAccounts: churned });
    expect(all?.predictors[0]?.counts.atT90).toMatchObject({ outcomes: rows.length, churned });
    expect(all?.predictors[0]?.figures.auc90.value).not.toBeNull();
  });

  it('samples account-days for AUC on the snapshot day only: the data stops after it', () => {
    expect(evaluation.lastSampledDay).toBe(0);
    expect(evaluation.groups[0]?.predictors[0]?.counts.auc90).toEqual({
      cases: rows.length,
      positives: churned,
    });
  });

  it('is calibrated: held-out AUC better after than before, and a proposed config', () => {
    const [, before, after] =
      /Held-out AUC, churn within 90 days: before (0\.\d+), after (0\.\d+)/.exec(calibrated) ?? [];
    expect(Number(after)).toBeGreaterThan(Number(before));
    expect(calibrated).toContain(`Fitted on ${churned} churned accounts`);
    expect(existsSync(proposal)).toBe(true);
  });
});

/**
 * The same table with two of its columns kept as account attributes, scored by custom measures the live config
 * gets wrong (short tenure as the healthy side, every contract alike): calibrate fits the measures themselves, and
 * the proposal, simulated again, foretells churn better than the live config did.
 */
describe('a snapshot churn table with custom measures of its columns, calibrated', () => {
  const custom = join(scratch, 'custom');
  const live = join(custom, 'live.json');
  const proposed = join(custom, 'proposed.json');
  const auc90 = (evaluated: Evaluation) => evaluated.groups[0]?.predictors[0]?.figures.auc90.value ?? 0;
  let report: string;
  let before: Evaluation;
  let after: Evaluation;

  beforeAll(async () => {
    mkdirSync(custom, { recursive: true });
    const mapping = JSON.parse(readFileSync(MAPPING, 'utf8'));
    mapping.account.attributes = ['tenure', 'Contract'];
    writeFileSync(join(custom, 'mapping.json'), JSON.stringify(mapping));
    const measures = [
      {
        id: 'tenure',
        component: 'relationship',
        from: { attribute: 'tenure' },
        kind: 'numeric',
        direction: 'lower',
        expected: 1,
        label: 'tenure (months)',
      },
      {
        id: 'contract',
        component: 'outcomes',
        from: { attribute: 'Contract' },
        kind: 'categorical',
        scores: { 'Month-to-month': 50, 'One year': 50, 'Two year': 50 },
        label: 'contract',
      },
    ];
    writeFileSync(live, JSON.stringify({ health: { measures: { custom: measures } } }));
    const history = join(custom, 'history');
    await churnguard(['import', TABLE, '--mapping', join(custom, 'mapping.json'), '--out', history]);
    const evaluated = async (config: string, name: string) => {
      const result = join(custom, name);
      await churnguard(['simulate', '--from-import', history, '--config', config, '--out', result]);
      const args = ['evaluate', result, '--json', '--resamples', '20', '--config', config];
      return { result, evaluation: JSON.parse((await churnguard(args)).stdout) as Evaluation };
    };
    const first = await evaluated(live, 'live-result.json');
    before = first.evaluation;
    report = (await churnguard(['calibrate', first.result, '--config', live, '--out', proposed])).stdout;
    after = (await evaluated(proposed, 'proposed-result.json')).evaluation;
  }, 300_000);

  it('turns tenure the right way round and scores month-to-month contracts lowest', () => {
    const proposal = JSON.parse(readFileSync(proposed, 'utf8'));
    const [tenure, contract] = proposal.health.measures.custom;
    expect(tenure).toMatchObject({ id: 'tenure', direction: 'higher' });
    expect(contract.scores['Month-to-month']).toBe(0);
    expect(contract.scores['Two year']).toBe(100);
    expect(report).toMatch(
      /tenure \(tenure \(months\)\): lower is better, 1 expected, weight 1 → higher is better/,
    );
  });

  it('ranks held-out accounts better with the measures fitted, and the proposal simulated again does too', () => {
    const [, heldBefore, heldAfter] =
      /Held-out AUC, churn within 90 days: before (0\.\d+), after (0\.\d+)/.exec(report) ?? [];
    expect(Number(heldAfter)).toBeGreaterThan(Number(heldBefore) + 0.1);
    expect(auc90(after)).toBeGreaterThan(auc90(before) + 0.1);
  });
});
