import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenewalDesk } from '#core/renewals/desk';
import type { Retention } from '#core/renewals/retention';
import { DEFAULT_DEMO_ACCOUNTS } from '#local/demo/start-demo';
import { CHROMIUM, hasChromium, launchChromium, screenshot, watched } from '../support/browser.ts';
import { storedEmails } from '../support/ses-mail.ts';

const STARTED = /Press Ctrl-C to stop/;

if (!hasChromium) console.warn(`demo browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

interface Demo {
  child: ChildProcess;
  output: () => string;
  page: string;
  key: string;
  inbox: string;
}

/** Runs `npm run demo` (local/start.ts --demo) in a fresh home and waits for its banner. */
async function runDemo(home: string, deadlineMs: number): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--demo'], {
    env: {
      ...process.env,
      CHURNGUARD_HOME: home,
      PORT: '0',
      CHURNGUARD_API_KEY: '',
      // The demo as `npm run demo` loads it: DEFAULT_DEMO_ACCOUNTS.
      CHURNGUARD_DEMO_ACCOUNTS: '',
      // The test looks at what the demo loaded: no timer of today fires while it looks.
      CHURNGUARD_DISPATCH_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + deadlineMs;
  while (!STARTED.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`the demo did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    output: () => output,
    page: /Page\s+(http:\S+\/app\/)/.exec(output)?.[1] ?? '',
    key: /paste\n\s+(\S+)/.exec(output)?.[1] ?? '',
    inbox: /Inbox\s+(http:\S+)/.exec(output)?.[1] ?? '',
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

describe.skipIf(!hasChromium)('npm run demo, then the printed URL in Chromium', () => {
  const home = mkdtempSync(join(tmpdir(), 'churnguard-demo-'));
  let demo: Demo;
  let browser: Browser;

  async function apiGet<T>(path: string): Promise<T> {
    const response = await fetch(new URL(`/v1${path}`, demo.page), {
      headers: { authorization: `Bearer ${demo.key}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  const figure = (page: Page, name: string) =>
    page.locator(`[data-figure="${name}"]`).getAttribute('data-value').then(Number);

  /** The bars ECharts drew in a chart: SVG paths with a fill, which an empty chart (axes only) has none of. */
  const bars = (page: Page, chartId: string) =>
    page.locator(`#${chartId} svg path[fill]:not([fill="none"]):not([fill="transparent"])`).count();

  /** A fresh tab at the printed URL, signed in with the printed key through the page's own form. */
  async function signedIn() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watched(page);
    await page.goto(demo.page);
    await page.getByLabel('API key').fill(demo.key);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('main[data-ready="desk"]').waitFor();
    return { context, page, problems };
  }

  beforeAll(async () => {
    demo = await runDemo(home, 600_000);
    browser = await launchChromium();
  }, 660_000);

  afterAll(async () => {
    await browser?.close();
    if (demo) await stop(demo.child);
  });

  it('prints the page URL and the key to sign in with, and says what it loaded', () => {
    expect(demo.page).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/app\/$/);
    expect(demo.key).toMatch(/^cg_/);
    expect(demo.output()).toMatch(/simulated \d+ of \d+ days/);
    expect(demo.output()).toMatch(/copied \d+ of \d+ items into the local table/);
    expect(demo.output()).toContain(`: ${DEFAULT_DEMO_ACCOUNTS} accounts, `);
  });

  it('names, under "Try it", an account of the demo that the API serves, scored lowest of all', async () => {
    const named = /npx churnguard account (\S+)/.exec(demo.output())?.[1] ?? '';
    expect(named).not.toBe('acme');
    const account = await apiGet<{ id: string }>(`/accounts/${named}`);
    expect(account.id).toBe(named);
    const list = await apiGet<{ accounts: { accountId: string }[] }>('/accounts?sort=score&limit=1');
    expect(list.accounts[0]?.accountId).toBe(named);
  });

  it('shows the desk of a plausible portfolio with the figures the API gives and a chart that is not empty', async () => {
    const { context, page, problems } = await signedIn();

    const desk = await apiGet<RenewalDesk>('/renewals');
    // Plausible: renewals overdue and due in each window, some at risk, in more than one currency.
    expect(desk.windows.overdue.renewals).toBeGreaterThan(0);
    expect(desk.windows.next30.renewals).toBeGreaterThan(0);
    expect(desk.windows.next180.renewals).toBeGreaterThan(desk.windows.next90.renewals);
    expect(desk.categories.at_risk.renewals).toBeGreaterThan(0);
    expect(desk.rows.some((r) => r.band === 'red' && r.openRisk !== null)).toBe(true);
    expect(new Set(desk.rows.map((r) => r.currency)).size).toBeGreaterThan(1);
    for (const window of ['overdue', 'next30', 'next90', 'next180'] as const)
      expect(await figure(page, `window-${window}`)).toBe(desk.windows[window].renewals);
    expect(await page.locator('tr[data-account]').count()).toBe(desk.rows.length);
    for (const row of desk.rows) {
      expect(await figure(page, `arr-${row.accountId}`)).toBe(row.arr);
      expect(await figure(page, `days-${row.accountId}`)).toBe(row.daysToRenewal);
    }
    // One bar per category and currency with ARR in it (ECharts draws no path for a zero bar).
    const nonZero = Object.values(desk.categories).flatMap((c) => Object.values(c.arr).filter((v) => v > 0));
    expect(nonZero.length).toBeGreaterThan(0);
    expect(await bars(page, 'desk-categories')).toBeGreaterThanOrEqual(nonZero.length);
    await screenshot(page, 'demo-desk');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows retention per currency equal to the API, with churn and expansion in it, and a portfolio chart', async () => {
    const { context, page, problems } = await signedIn();
    await page.evaluate("location.hash = '#/retention'");
    await page.locator('main[data-ready="retention"]').waitFor();
    const retention = await apiGet<Retention>('/retention');
    expect(retention.overall.length).toBeGreaterThan(1);
    for (const f of retention.overall) {
      expect(await figure(page, `nrr-${f.currency}`)).toBe(f.nrr);
      expect(await figure(page, `grr-${f.currency}`)).toBe(f.grr);
    }
    // Meaningful: some ARR was lost (GRR below 100%) and somewhere NRR differs from GRR (expansion).
    expect(retention.overall.some((f) => (f.grr ?? 1) < 1)).toBe(true);
    expect(retention.overall.some((f) => f.nrr !== f.grr)).toBe(true);
    expect(await bars(page, 'retention-chart')).toBeGreaterThanOrEqual(retention.overall.length);
    await page.evaluate("location.hash = '#/portfolio'");
    await page.locator('main[data-ready="portfolio"]').waitFor();
    expect(await page.locator('#bands-chart svg path').count()).toBeGreaterThan(0);
    const risks = await apiGet<{ risks: unknown[] }>('/risks');
    expect(risks.risks.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists no review as overdue for want of a report: the CSMs reported every review of the year', async () => {
    const list = await apiGet<{ reviews: { accountId: string; standing: string; status?: string }[] }>(
      '/reviews?limit=200',
    );
    const overdue = list.reviews.filter((r) => r.standing === 'overdue');
    // Overdue is only ever a latest review the customer missed (a customer heading for churn stopped turning up).
    expect(overdue.filter((r) => r.status !== 'missed')).toEqual([]);
    expect(list.reviews.length).toBeGreaterThan(0);
  });

  it('has put the mail of the last days in the inbox, as many as it said', async () => {
    const delivered = Number(/(\d+) emails in the inbox/.exec(demo.output())?.[1]);
    expect(delivered).toBeGreaterThan(0);
    const inbox = storedEmails.parse(await (await fetch(new URL('store', demo.inbox))).json()).emails;
    expect(inbox.length).toBe(delivered);
  });
});
