import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDataOfResult } from '#cli/commands/report-from-result';
import { defaultConfig } from '#config/default';
import type { PortfolioSummary } from '#core/health/portfolio';
import type { RenewalDesk } from '#core/renewals/desk';
import type { Retention } from '#core/renewals/retention';
import { demoPortfolio } from '#core/simulation/demo';
import { CHROMIUM, hasChromium, launchChromium, screenshot, watched } from '../support/browser.ts';

/** A year of eight accounts of the demo portfolio, as a scenario file `churnguard simulate` reads. */
function writeScenario(file: string): void {
  const demo = demoPortfolio(8, new Date('2026-06-15T12:00:00Z'), 7);
  writeFileSync(
    file,
    JSON.stringify({
      start: demo.start,
      days: demo.days,
      accounts: demo.accounts,
      signals: Array.from({ length: demo.days }, (_, day) => demo.signalsForDay(day)).flat(),
      outcomes: demo.outcomes,
      accountUpdates: demo.updates.map(({ kind: _kind, ...update }) => update),
    }),
  );
}

function churnguard(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

if (!hasChromium)
  console.warn(`report browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

describe.skipIf(!hasChromium)('churnguard report <result.json>: a simulate result as a page, offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'churnguard-report-result-'));
  const result = join(dir, 'result.json');
  const report = join(dir, 'r.html');
  let written: { code: number | null; output: string };
  let browser: Browser;

  beforeAll(async () => {
    writeScenario(join(dir, 'scenario.json'));
    const simulated = await churnguard(['simulate', join(dir, 'scenario.json'), '--out', result], 600_000);
    expect(simulated.code, simulated.output).toBe(0);
    written = await churnguard(['report', result, '--out', report], 120_000);
    browser = await launchChromium();
  }, 780_000);

  afterAll(async () => {
    await browser?.close();
  });

  const figure = (page: Page, name: string) =>
    page.locator(`[data-figure="${name}"]`).getAttribute('data-value').then(Number);

  it('says what it wrote', () => {
    expect(written.code, written.output).toBe(0);
    expect(written.output).toMatch(
      /^wrote .*r\.html \(8 accounts of .*result\.json as of 2026-06-14, \d+ KB; opens offline\)/,
    );
  });

  it('opens from disk with no request leaving the file, showing the figures computed from the result', async () => {
    const expected = reportDataOfResult(JSON.parse(readFileSync(result, 'utf8')), defaultConfig);
    const desk = expected['/renewals'] as RenewalDesk;
    const retention = expected['/retention'] as Retention;
    const risks = expected['/risks'] as { risks: { accountId: string; daysOpen: number }[] };
    const portfolio = expected['/portfolio'] as PortfolioSummary;
    const rank = expected['/stack-rank'] as {
      segments: { accounts: { accountId: string; rank: number }[] }[];
    };
    const automation = expected['/automation'] as {
      plays: { play: string; sent: number; silent: number; heldOut: number }[];
    };
    // The run leaves something to show: renewals on the desk, a cohort a year old, risks.
    expect(desk.rows.length).toBeGreaterThan(0);
    expect(retention.overall.length).toBeGreaterThan(0);

    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const file = pathToFileURL(report).href;
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url() === file) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const problems = watched(page);
    page.on('request', (request) => {
      const url = request.url();
      // The page's own file, and the empty data: icon it names so that no browser asks a server for one.
      if (url !== file && url !== 'data:,') elsewhere.push(url);
    });
    await page.goto(file);
    await page.locator('main[data-ready="desk"]').waitFor();
    for (const window of ['overdue', 'next30', 'next90', 'next180'] as const)
      expect(await figure(page, `window-${window}`)).toBe(desk.windows[window].renewals);
    for (const row of desk.rows) expect(await figure(page, `arr-${row.accountId}`)).toBe(row.arr);
    expect(await page.locator('#desk-categories svg path').count()).toBeGreaterThan(0);
    // No account pages in a report of a result: the desk names its accounts without links to nothing.
    expect(await page.locator('tr[data-account] a').count()).toBe(0);
    await screenshot(page, 'report-result-desk');

    await page.evaluate("location.hash = '#/retention'");
    await page.locator('main[data-ready="retention"]').waitFor();
    for (const f of retention.overall) {
      expect(await figure(page, `nrr-${f.currency}`)).toBe(f.nrr);
      expect(await figure(page, `grr-${f.currency}`)).toBe(f.grr);
      // And NRR is what it says: the cohort's ARR today over its ARR then.
      expect(f.nrr).toBeCloseTo(f.currentArr / f.startingArr, 12);
    }

    await page.evaluate("location.hash = '#/portfolio'");
    await page.locator('main[data-ready="portfolio"]').waitFor();
    for (const segment of portfolio.segments)
      for (const [band, count] of Object.entries(segment.bands))
        expect(await figure(page, `band-${segment.segment}-${band}`)).toBe(count);
    expect(await page.locator('tr[data-risk]').count()).toBe(risks.risks.length);
    for (const risk of risks.risks)
      expect(await figure(page, `days-open-${risk.accountId}`)).toBe(risk.daysOpen);

    // Champions, Cruisers and Laggards, and what the run sent or held back per play.
    const ranked = rank.segments.flatMap((s) => s.accounts);
    expect(ranked.length).toBeGreaterThan(0);
    for (const row of ranked) expect(await figure(page, `rank-${row.accountId}`)).toBe(row.rank);
    expect(automation.plays.reduce((sum, p) => sum + p.sent, 0)).toBeGreaterThan(0);
    for (const p of automation.plays) {
      expect(await figure(page, `sent-${p.play}`)).toBe(p.sent);
      expect(await figure(page, `silent-${p.play}`)).toBe(p.silent);
      expect(await figure(page, `held-out-${p.play}`)).toBe(p.heldOut);
    }
    // The sends counted here from the result's own actions are the ones shown.
    const actions = JSON.parse(readFileSync(result, 'utf8')).actions as { play?: string; mode?: string }[];
    for (const p of automation.plays)
      expect(p.sent).toBe(actions.filter((a) => a.play === p.play && (a.mode ?? 'live') === 'live').length);

    // The health distribution, counted here from the result's own account list and renewal outcomes, is the one
    // shown: of the customers, an account whose last renewal was lost counted apart.
    const written = JSON.parse(readFileSync(result, 'utf8')) as {
      accounts: { accountId: string; segment: string; band: string }[];
      outcomes: { accountId: string; outcome: string; at: string }[];
    };
    const lastOutcome = new Map(
      [...written.outcomes].sort((a, b) => (a.at < b.at ? -1 : 1)).map((o) => [o.accountId, o.outcome]),
    );
    const churned = new Set(
      [...lastOutcome].filter(([, outcome]) => outcome === 'churned').map(([id]) => id),
    );
    expect(churned.size).toBeGreaterThan(0);
    expect(await figure(page, 'churned')).toBe(churned.size);
    const customers = written.accounts.filter((a) => !churned.has(a.accountId));
    for (const segment of portfolio.segments)
      for (const band of ['green', 'yellow', 'red'] as const)
        expect(await figure(page, `band-${segment.segment}-${band}`)).toBe(
          customers.filter((a) => a.segment === segment.segment && a.band === band).length,
        );
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
