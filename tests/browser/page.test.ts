import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '#cli/commands/report';
import type { PortfolioSummary } from '#core/health/portfolio';
import type { RenewalDesk } from '#core/renewals/desk';
import type { Retention } from '#core/renewals/retention';
import { registerApiKey } from '#store/api-key-store';
import type { AutomationAnswer } from '#usecases/automation';
import type { StackRank } from '#usecases/stack-rank';
import {
  CHROMIUM,
  hasChromium,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
  watched,
} from '../support/browser.ts';
import { createTestDb, testDeps } from '../support/db.ts';
import { seedJourneyPortfolio } from '../support/journey-portfolio.ts';
import { serveLocally } from '../support/local-api.ts';
import { seedPagePortfolio } from '../support/page-portfolio.ts';
import { FIXTURE_NOW, mutableClock } from '../support/retention-fixture.ts';

const READ_KEY = 'cg_test_page_read_key';
const ADMIN = 'cg_test_page_admin_key';

if (!hasChromium) {
  console.warn(
    `browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`,
  );
}

describe.skipIf(!hasChromium)('the page in Chromium, against the local API with known data', () => {
  const clock = mutableClock(FIXTURE_NOW);
  let api: { base: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;

  async function apiGet<T>(path: string): Promise<T> {
    const response = await fetch(`${api.base}/v1${path}`, {
      headers: { authorization: `Bearer ${READ_KEY}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    const db = await createTestDb();
    await registerApiKey(db, ADMIN, 'seed', clock.now());
    await registerApiKey(db, READ_KEY, 'page', clock.now(), 'read');
    api = await serveLocally(testDeps(db, clock));
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${api.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    await seedPagePortfolio(db, clock, call);
    // New accounts renewing a year out (off the desk, outside retention's cohort), with known journeys and ledgers.
    await seedJourneyPortfolio(db, clock, call);
    clock.set(FIXTURE_NOW);
    // A health issue (seed 000) whose first plan step is 10 days late on the fixture's day.
    const issue = await call('POST', '/v1/accounts/e-grow/issues', {
      category: 'Relationship',
      summary: 'New VP has not met us',
      impact: 'The sponsor may not renew',
      plan: [
        { action: 'Book an intro call', owner: 'Casey', due: '2026-11-25' },
        { action: 'Run a value review', owner: 'Casey', due: '2027-01-15' },
      ],
      by: 'Casey',
    });
    expect(issue.status).toBe(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** A fresh tab that has been given the read key through the page's own form. */
  async function signedIn(): Promise<{ page: Page; problems: string[] }> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watched(page);
    await page.goto(`${api.base}/`);
    await page.getByLabel('API key').fill(READ_KEY);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('main[data-ready="desk"]').waitFor();
    return { page, problems };
  }

  async function open(page: Page, hash: string, ready: string): Promise<void> {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.locator(`main[data-ready="${ready}"]`).waitFor();
  }

  const figure = (page: Page, name: string) =>
    page.locator(`[data-figure="${name}"]`).getAttribute('data-value').then(Number);

  it('asks for the key once, keeps it out of the URL, and shows the desk with the figures the API gives', async () => {
    const { page, problems } = await signedIn();
    expect(page.url()).not.toContain(READ_KEY);
    expect(await page.evaluate("sessionStorage.getItem('churnguard.apiKey')")).toBe(READ_KEY);
    const desk = await apiGet<RenewalDesk>('/renewals');
    expect(desk.rows.length).toBeGreaterThan(0);
    for (const window of ['overdue', 'next30', 'next90', 'next180'] as const)
      expect(await figure(page, `window-${window}`)).toBe(desk.windows[window].renewals);
    for (const row of desk.rows) {
      expect(await figure(page, `days-${row.accountId}`)).toBe(row.daysToRenewal);
      expect(await figure(page, `arr-${row.accountId}`)).toBe(row.arr);
      expect(
        await page
          .locator(`tr[data-account="${row.accountId}"] [data-category]`)
          .getAttribute('data-category'),
      ).toBe(row.category);
    }
    expect(await page.locator('#desk-categories svg').count()).toBe(1);
    expect(await page.locator('#desk-categories svg path').count()).toBeGreaterThan(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'desk');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows NRR and GRR per currency equal to the API and to the figures worked out by hand', async () => {
    const { page, problems } = await signedIn();
    await open(page, '#/retention', 'retention');
    const retention = await apiGet<Retention>('/retention');
    const hand = {
      'nrr-USD': 180_000 / 170_000,
      'grr-USD': 140_000 / 170_000,
      'nrr-EUR': 170_000 / 150_000,
      'grr-EUR': 140_000 / 150_000,
    };
    for (const [name, value] of Object.entries(hand)) {
      expect(await figure(page, name)).toBeCloseTo(value, 12);
      const [measure, currency] = name.split('-') as ['nrr' | 'grr', string];
      expect(await figure(page, name)).toBe(
        retention.overall.find((f) => f.currency === currency)?.[measure],
      );
    }
    expect(await page.locator('[data-figure="nrr-USD"]').textContent()).toBe('105.9%');
    expect(await page.getByText('gross revenue retention').count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'retention');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the portfolio: bands per segment as the API counts them and the red accounts with their causes', async () => {
    const { page, problems } = await signedIn();
    await open(page, '#/portfolio', 'portfolio');
    const portfolio = await apiGet<PortfolioSummary>('/portfolio');
    for (const segment of portfolio.segments)
      for (const [name, count] of Object.entries(segment.bands))
        expect(await figure(page, `band-${segment.segment}-${name}`)).toBe(count);
    const risk = page.locator('tr[data-risk]');
    expect(await risk.count()).toBe(1);
    expect(await risk.textContent()).toContain('low adoption, sponsor change');
    expect(await figure(page, 'days-open-e-grow')).toBe(10);
    expect(await page.locator('#bands-chart svg path').count()).toBeGreaterThan(0);
    for (const segment of portfolio.segments)
      for (const [name, count] of Object.entries(segment.classes))
        expect(await figure(page, `class-${segment.segment}-${name}`)).toBe(count);

    // The trend: one chart per segment, drawn.
    for (const t of portfolio.trend)
      expect(await page.locator(`#trend-${t.segment} svg path`).count()).toBeGreaterThan(0);

    // The funnel per milestone, as the API counts it (j-fast ahead, j-late late on the first two milestones).
    for (const f of portfolio.funnel) {
      expect(await figure(page, `funnel-${f.segment}-accounts`)).toBe(f.accounts);
      for (const step of f.steps)
        for (const k of ['reached', 'ahead', 'onTime', 'late', 'missed', 'pending'] as const)
          expect(await figure(page, `funnel-${f.segment}-${step.milestone}-${k}`)).toBe(step[k]);
    }
    expect(await figure(page, 'funnel-core-first_login-ahead')).toBeGreaterThanOrEqual(1);

    // The stack-rank: every ranked account with its rank and class.
    const rank = await apiGet<StackRank>('/stack-rank');
    const ranked = rank.segments.flatMap((s) => s.accounts);
    expect(ranked.length).toBeGreaterThan(3);
    for (const row of ranked) {
      expect(await figure(page, `rank-${row.accountId}`)).toBe(row.rank);
      expect(
        await page.locator(`tr[data-ranked="${row.accountId}"] [data-class]`).getAttribute('data-class'),
      ).toBe(row.journeyClass);
    }
    expect(ranked.find((r) => r.accountId === 'j-old')?.judgedBy).toBe('health');

    // Automation activity per play and the holdout comparisons, as the API counts them.
    const automation = await apiGet<AutomationAnswer>('/automation');
    expect(automation.plays.length).toBeGreaterThan(0);
    for (const p of automation.plays) {
      expect(await figure(page, `sent-${p.play}`)).toBe(p.sent);
      expect(await figure(page, `silent-${p.play}`)).toBe(p.silent);
      expect(await figure(page, `held-out-${p.play}`)).toBe(p.heldOut);
    }
    expect(await page.locator('tr[data-play="nudge_first_login"]').textContent()).toContain('over budget: 1');
    for (const h of automation.holdouts)
      for (const g of ['treated', 'heldOut', 'silent'] as const)
        expect(await figure(page, `holdout-${h.play}-${g}-accounts`)).toBe(h[g].accounts);
    expect(await figure(page, 'holdout-nudge_value-heldOut-accounts')).toBe(1);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'portfolio');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('goes from the desk to an account by a click, and shows its score history, components and risks', async () => {
    const { page, problems } = await signedIn();
    await page.getByRole('link', { name: 'Account e-grow' }).click();
    await page.locator('main[data-ready="account"]').waitFor();
    expect(page.url()).toMatch(/#\/account\/e-grow$/);
    const account = await apiGet<{
      contract: { arr: number };
      health: { score: number; components: { component: string; contribution: number }[] };
    }>('/accounts/e-grow');
    expect(await figure(page, 'arr')).toBe(account.contract.arr);
    expect(await figure(page, 'score')).toBe(account.health.score);
    for (const c of account.health.components)
      expect(await figure(page, `contribution-${c.component}`)).toBe(c.contribution);
    const history = await apiGet<{ scores: unknown[] }>('/accounts/e-grow/history');
    expect(history.scores.length).toBeGreaterThan(1);
    expect(await page.locator('#score-chart svg path').count()).toBeGreaterThan(0);
    expect(await page.getByText('tier 2, low adoption, recover').count()).toBe(1);
    const { issues } = await apiGet<{
      issues: { issueId: string; overdueSteps: { daysLate: number }[] }[];
    }>('/accounts/e-grow/issues');
    expect(issues).toHaveLength(1);
    expect(await page.locator(`[data-issue="${issues[0]?.issueId}"]`).textContent()).toContain(
      'Relationship: New VP has not met us',
    );
    expect(issues[0]?.overdueSteps.map((step) => step.daysLate)).toEqual([10]);
    expect(await page.locator('[data-late-step]').allTextContents()).toEqual(['10 days late']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'account');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('goes from the stack-rank to an account: its journey, the messages sent and those not sent with the reason', async () => {
    const { page, problems } = await signedIn();
    await open(page, '#/portfolio', 'portfolio');
    await page.locator('tr[data-ranked="j-late"] a').click();
    await page.locator('main[data-ready="account"]').waitFor();
    expect(page.url()).toMatch(/#\/account\/j-late$/);
    const account = await apiGet<{
      health: { journey: { journeyClass: string; judgedBy: string; milestones: { milestone: string }[] } };
    }>('/accounts/j-late');
    expect(account.health.journey).toMatchObject({ journeyClass: 'laggard', judgedBy: 'milestones' });
    expect(await page.locator('main [data-class]').getAttribute('data-class')).toBe('laggard');
    expect(await page.locator('tr[data-milestone]').count()).toBe(account.health.journey.milestones.length);
    expect(await page.locator('tr[data-milestone="first_login"]').textContent()).toContain('late');
    const nudges = await apiGet<{ sent: unknown[]; notSent: unknown[] }>('/accounts/j-late/nudges');
    expect(await page.locator('tr[data-sent]').count()).toBe(nudges.sent.length);
    expect(await page.locator('tr[data-not-sent]').count()).toBe(nudges.notSent.length);
    expect(await page.locator('tr[data-sent="nudge_first_login"]').textContent()).toContain('sent');
    expect(await page.locator('tr[data-not-sent="nudge_first_login"]').textContent()).toContain(
      'over_budget',
    );
    expect(await page.locator('#score-chart svg path').count()).toBeGreaterThan(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'account-journey');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('writes a report that opens offline, from disk, with the same figures and account pages', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'churnguard-report-')), 'report.html');
    const written = await writeReport({ url: api.base, key: READ_KEY }, file);
    expect(written.accounts).toBeGreaterThan(0);
    context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watched(page);
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:'))
        fetched.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.locator('main[data-ready="desk"]').waitFor();
    const desk = await apiGet<RenewalDesk>('/renewals');
    for (const window of ['overdue', 'next30', 'next90', 'next180'] as const)
      expect(await figure(page, `window-${window}`)).toBe(desk.windows[window].renewals);
    await open(page, '#/retention', 'retention');
    expect(await figure(page, 'nrr-USD')).toBeCloseTo(180_000 / 170_000, 12);
    expect(await figure(page, 'grr-EUR')).toBeCloseTo(140_000 / 150_000, 12);
    await open(page, '#/portfolio', 'portfolio');
    const rank = await apiGet<StackRank>('/stack-rank');
    const fast = rank.segments.flatMap((s) => s.accounts).find((a) => a.accountId === 'j-fast');
    expect(await figure(page, 'rank-j-fast')).toBe(fast?.rank);
    expect(await figure(page, 'sent-congrats_first_login')).toBe(1);
    await open(page, '#/desk', 'desk');
    await page.getByRole('link', { name: 'Account e-grow' }).click();
    await page.locator('main[data-ready="account"]').waitFor();
    expect(await page.locator('#score-chart svg path').count()).toBeGreaterThan(0);
    await screenshot(page, 'report-account');
    expect(fetched).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks again when the key is not recognised, and a read key cannot make a renewal call', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api.base}/app/`);
    await page.getByLabel('API key').fill('cg_not_a_key');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('That key was not recognised.');
    await page.getByLabel('API key').fill(READ_KEY);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('main[data-ready="desk"]').waitFor();
    const form = page.locator('tr[data-account="u-grow"] form.call');
    await form.locator('select').selectOption('commit');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.call-status').textContent()).toBe('needs an admin key');
    await context.close();
  });
});
