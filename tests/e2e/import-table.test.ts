import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
