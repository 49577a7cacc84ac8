import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '#core/evaluation/evaluate';
import type { SignalInput } from '#core/signals';
import { account } from '../support/fixtures.ts';

/** `churnguard simulate` on a small scenario, then `churnguard evaluate` on its result, as a user runs them. */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/churnguard.js');
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-evaluate-'));
const run = promisify(execFile);

const START = '2026-01-05';
const DAYS = 200;
const RENEWAL_DAY = 170;
const dayAt = (day: number, hour: number) =>
  new Date(Date.parse(`${START}T00:00:00Z`) + day * 86_400_000 + hour * 3_600_000).toISOString();

/**
 * Six accounts live from the first day, renewing on day 170: three log in every working day and renew; three stop
 * after two weeks and churn. Whatever the score makes of it, evaluate must report it the way result.json shows it.
 */
function scenario() {
  const ids = ['busy-1', 'busy-2', 'busy-3', 'quiet-1', 'quiet-2', 'quiet-3'];
  const renewalDate = dayAt(RENEWAL_DAY, 0).slice(0, 10);
  const accounts = ids.map((id) =>
    account(id, {
      goLiveDate: START,
      contract: { startDate: '2025-06-20', renewalDate, arr: 48_000 },
    }),
  );
  const signals: SignalInput[] = [];
  for (const id of ids) {
    const lastDay = id.startsWith('busy') ? DAYS : 14;
    for (let day = 0; day < lastDay; day++) {
      if (day % 7 >= 5) continue;
      for (const user of ['u1', 'u2', 'u3'])
        signals.push({
          id: `${id}-${day}-${user}`,
          accountId: id,
          type: 'login',
          occurredAt: dayAt(day, 9),
          userId: user,
        });
    }
  }
  const outcomes = ids.map((id) => ({
    accountId: id,
    outcome: id.startsWith('busy') ? 'renewed' : 'churned',
    at: dayAt(RENEWAL_DAY, 2),
  }));
  return { start: START, days: DAYS, accounts, signals, outcomes };
}

const churnguard = (args: string[]) =>
  run(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CHURNGUARD_HOME: join(scratch, 'home'), CHURNGUARD_CONFIG: '' },
  });

interface ResultFile {
  accounts: { accountId: string; daily: { bands: string } }[];
  actions: { at: string; accountId: string; kind: string; triggers?: string[] }[];
}

let result: ResultFile;
let evaluation: Evaluation;
let table: string;

beforeAll(async () => {
  const scenarioFile = join(scratch, 'scenario.json');
  const resultFile = join(scratch, 'result.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario()));
  await churnguard(['simulate', scenarioFile, '--out', resultFile]);
  result = JSON.parse(readFileSync(resultFile, 'utf8')) as ResultFile;
  evaluation = JSON.parse(
    (await churnguard(['evaluate', resultFile, '--json', '--resamples', '100'])).stdout,
  ) as Evaluation;
  table = (await churnguard(['evaluate', resultFile, '--resamples', '100'])).stdout;
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('churnguard evaluate over a simulate result', () => {
  it('keeps every account day by day in the result', () => {
    expect(result.accounts).toHaveLength(6);
    for (const a of result.accounts) expect(a.daily.bands).toHaveLength(DAYS);
  });

  it('judges the six renewals at T-90 by the band each account had then, as result.json shows it', () => {
    const bandAt = (id: string, day: number) =>
      result.accounts.find((a) => a.accountId === id)?.daily.bands[day];
    const quietRedAtT90 = ['quiet-1', 'quiet-2', 'quiet-3'].filter(
      (id) => bandAt(id, RENEWAL_DAY - 90) === 'r',
    ).length;
    const busyRedAtT90 = ['busy-1', 'busy-2', 'busy-3'].filter(
      (id) => bandAt(id, RENEWAL_DAY - 90) === 'r',
    ).length;
    const [all] = evaluation.groups;
    const score = all?.predictors.find((p) => p.id === 'health_score');
    expect(all).toMatchObject({ group: 'all', accounts: 6, churnedAccounts: 3 });
    expect(score?.counts.atT90).toMatchObject({
      outcomes: 6,
      churned: 3,
      red: quietRedAtT90 + busyRedAtT90,
    });
    expect(score?.figures.atT90.red.recall.value).toBe(quietRedAtT90 / 3);
  });

  it('ranks the accounts that went quiet as riskier by days since last activity', () => {
    const idle = evaluation.groups[0]?.predictors.find((p) => p.id === 'days_since_activity');
    // From day 14 on, a quiet account has been idle longer than any busy one (ties only in the first two weeks).
    expect(idle?.figures.auc90.value).toBeGreaterThan(0.8);
    expect(idle?.figures.auc90.low).not.toBeNull();
  });

  it('prints the score beside both baselines, with intervals', () => {
    expect(table).toMatch(/health score\s+days since last activity\s+activity trend/);
    expect(table).toMatch(/AUC, churn within 90 days\s+\S+/);
    expect(table).toMatch(/red at T-90: recall/);
    expect(table).toContain('All accounts: 6 accounts, 3 churned');
  });

  it('weighs each risk trigger by the accounts it opened risks on and how their renewal went, as result.json shows', () => {
    const opened = result.actions.filter((a) => a.kind === 'risk_opened');
    // The three accounts that went quiet are seen falling and red long before their renewal.
    expect(opened.length).toBeGreaterThan(0);
    for (const action of opened) expect(action.triggers?.length).toBeGreaterThan(0);
    const renewalAt = dayAt(RENEWAL_DAY, 2);
    const [all] = evaluation.groups;
    expect(all?.renewalOutcomes).toEqual({ outcomes: 6, churned: 3 });
    const reported = all?.triggers ?? [];
    expect(reported.length).toBeGreaterThan(0);
    for (const t of reported) {
      const first = new Map<string, string>();
      for (const a of opened) {
        if (!a.triggers?.includes(t.trigger)) continue;
        const seen = first.get(a.accountId);
        if (seen === undefined || a.at < seen) first.set(a.accountId, a.at);
      }
      const beforeRenewal = [...first].filter(([, at]) => at <= renewalAt);
      expect(t.accounts).toBe(first.size);
      expect(t.churned).toBe(beforeRenewal.filter(([id]) => id.startsWith('quiet')).length);
      expect(t.renewed).toBe(beforeRenewal.filter(([id]) => id.startsWith('busy')).length);
      expect(t.pending).toBe(first.size - beforeRenewal.length);
    }
    expect(table).toMatch(/Risk triggers: accounts each opened a risk on[\s\S]*precision/);
  });

  it('says what is wrong with a file that is not a simulate result, and exits 65', async () => {
    const wrong = join(scratch, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ start: START, days: 3, accounts: [{ accountId: 'a' }] }));
    const failed = await churnguard(['evaluate', wrong]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 65 });
    expect((failed as { stderr: string }).stderr).toMatch(/run simulate again[\s\S]*accounts\[0\]\.segment/);
  });
});
