import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { asResultFile, churnHistory } from '../support/churn-history.ts';

/** `churnguard calibrate` on a result file, as a user runs it: the proposal written, the live config untouched. */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/churnguard.js');
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-calibrate-'));
const run = promisify(execFile);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const churnguard = (args: string[]) =>
  run(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CHURNGUARD_HOME: join(scratch, 'home'), CHURNGUARD_CONFIG: '' },
  });
const failure = (args: string[]) =>
  churnguard(args).then(
    () => {
      throw new Error(`churnguard ${args.join(' ')} succeeded`);
    },
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

function writeResult(name: string, history: ReturnType<typeof churnHistory>) {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(asResultFile(history)));
  return file;
}

describe('churnguard calibrate', () => {
  it('prints held-out AUC before and after, writes a proposed config that validates, and leaves the live one alone', async () => {
    const result = writeResult(
      'result.json',
      churnHistory(90, 5, (i) => i % 3 === 0),
    );
    const live = join(scratch, 'live.config.json');
    const liveText = `${JSON.stringify({ restraint: { weeklyPerContact: 3 } }, null, 2)}\n`;
    writeFileSync(live, liveText);
    const proposed = join(scratch, 'proposed.json');
    const { stdout } = await churnguard(['calibrate', result, '--config', live, '--out', proposed]);
    expect(stdout).toMatch(/Held-out AUC, churn within 90 days: before 0\.\d+, after 0\.\d+/);
    expect(stdout).toContain('Segment core (90 accounts, 30 churned): fitted on its own 30 churned accounts');
    expect(stdout).toMatch(
      /Held-out red at T-90 \(renewal outcomes of held-out accounts with a band then\): before /,
    );
    expect(stdout).not.toContain('no better than the live config');
    expect(stdout).toMatch(/~ segments\.core\.health\.weights\.engagement: 25 -> \d/);
    expect(readFileSync(live, 'utf8')).toBe(liveText);
    const proposal = JSON.parse(readFileSync(proposed, 'utf8'));
    // The live file's own settings are kept; the fitted health section is added.
    expect(proposal.restraint).toEqual({ weeklyPerContact: 3 });
    expect(proposal.segments.core.health.weights.$patch).toBe('replace');
    const validated = await churnguard(['config', 'validate', proposed]);
    expect(validated.stdout).toMatch(/^config OK: /i);
    expect(validated.stdout).toContain(proposed);
  });

  it('never writes over the live config', async () => {
    const result = writeResult(
      'result-2.json',
      churnHistory(90, 6, (i) => i % 3 === 0),
    );
    const live = join(scratch, 'live-2.config.json');
    writeFileSync(live, '{}\n');
    const refused = await failure(['calibrate', result, '--config', live, '--out', live]);
    expect(refused.stderr).toContain('is the live config: calibrate never changes it');
    expect(readFileSync(live, 'utf8')).toBe('{}\n');
  });

  it('says how many outcomes it needs when the history has too few, and writes nothing', async () => {
    const result = writeResult(
      'few.json',
      churnHistory(30, 5, (i) => i % 5 === 0),
    );
    const out = join(scratch, 'never.json');
    const refused = await failure(['calibrate', result, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'calibrate needs at least 20 churned accounts and 20 that did not churn',
    );
    expect(refused.stdout).toContain('this history has 6 and 24');
    expect(existsSync(out)).toBe(false);
  });
});
