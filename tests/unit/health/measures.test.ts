import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import type { Config } from '#config/schema';
import { accountSchema } from '#core/accounts';
import { ACCOUNT_CSV_RULES, unflatten } from '#core/flat-record';
import { computeBaselines } from '#core/health/baselines';
import { detectMilestones } from '#core/health/milestones';
import { scoreAccount } from '#core/health/score';
import type { HealthSnapshot, Measure, ScoringInput } from '#core/health/types';
import type { ComponentId } from '#core/health/vocabulary';
import { type Signal, signalSchema } from '#core/signals';
import { redDays } from '#core/workflows/detect';
import { CONTRACT_MEASURE, TENURE_MEASURE } from '../../support/custom-measures.ts';
import {
  account,
  activity,
  component,
  contributionsSum,
  dayAgo,
  daysAgo,
  healthyCoreCohort,
  NOW,
  openTicket,
  rollupsFrom,
  signal,
  withConfig,
} from './builders.ts';

/** issue 19 item 3: measures that fit data shaped as companies keep it (health.measures). */

function measureOf(snapshot: HealthSnapshot, id: ComponentId, name: string): Measure | undefined {
  const found = component(snapshot, id);
  return found?.status === 'known' ? found.measures.find((m) => m.measure === name) : undefined;
}

/** Usage every day and nothing else: a source with no user ids and no contacts (the snapshot datasets). */
function usageOnly(id: string, perDay: number, days = 60, arr = 10_000): ScoringInput {
  const signals = Array.from({ length: days }, (_, d) =>
    signal(id, 'usage', daysAgo(d, 20), { value: perDay }),
  );
  return {
    account: account({ id, arr, contacts: [], contract: { ...account().contract, arr } }),
    rollups: rollupsFrom(id, signals),
    tickets: [],
  };
}

describe('a missing feed is unknown, never zero', () => {
  // Red last time under the defaults, so no healthy cohort: the segment's defaults (2 logins a day, a sponsor
  // expected) would judge feeds this source never sends.
  const portfolio = Array.from(
    { length: 10 },
    (_, i): ScoringInput => ({
      ...usageOnly(`t-${i}`, 40 + i * 4),
      history: [{ at: daysAgo(1), score: 20, band: 'red' }],
    }),
  );
  const baselines = computeBaselines(defaultConfig, portfolio, NOW);
  const snapshot = scoreAccount(defaultConfig, usageOnly('plain', 70), baselines, NOW);

  it('leaves relationship out, its weight shared by the others, when no sponsor contact or signal exists', () => {
    expect(component(snapshot, 'relationship')).toMatchObject({
      status: 'unknown',
      normalizedWeight: 0,
      contribution: 0,
    });
    expect(snapshot.drivers.map((d) => d.text)).not.toContain('no sponsor on record');
  });

  it('still scores a sponsor who left as the loss it is', () => {
    const input = usageOnly('left', 70);
    const left = { ...input, rollups: rollupsFrom('left', [signal('left', 'sponsor_left', daysAgo(3))]) };
    expect(
      measureOf(scoreAccount(defaultConfig, left, baselines, NOW), 'relationship', 'sponsor'),
    ).toMatchObject({ score: 0, finding: 'sponsor left 3 days ago' });
  });

  it('judges engagement from usage when the source sends no logins, against a baseline usage learns', () => {
    const engagement = component(snapshot, 'engagement');
    expect(engagement?.status === 'known' && engagement.measures.map((m) => m.measure)).toEqual(['usage']);
    // Usage 40..76 a day across the segment: its 0.75 quantile is 67.
    expect(measureOf(snapshot, 'engagement', 'usage')).toMatchObject({
      actual: 70,
      expected: 67,
      score: 90.3, // 90 at the quantile, a little above for 4% more (health.measures.scale)
    });
    expect(snapshot.drivers.map((d) => d.text).join(' ')).not.toContain('no logins');
    expect(snapshot.band).toBe('green');
  });
});

describe('scales that keep ranking above the median', () => {
  const logScale = withConfig(defaultConfig, (draft) => {
    if (draft.health.measures) draft.health.measures.scale = { kind: 'log', atBaseline: 80, ceilingRatio: 4 };
  });
  const linearScale = withConfig(defaultConfig, (draft) => {
    if (draft.health.measures) draft.health.measures.scale = { kind: 'linear' };
  });
  const baselines = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);
  const scoredAt = (config: Config, perDay: number) =>
    scoreAccount(
      config,
      {
        account: account({ id: `x${perDay}` }),
        rollups: rollupsFrom(`x${perDay}`, activity(`x${perDay}`, { loginsPerDay: perDay })),
        tickets: [],
      },
      baselines,
      NOW,
    );
  const loginsAt = (config: Config, perDay: number) =>
    measureOf(scoredAt(config, perDay), 'engagement', 'logins')?.score;

  it('by default scores two accounts above the median apart, the busier one higher', () => {
    const median = measureOf(scoredAt(defaultConfig, 8), 'engagement', 'logins')?.expected ?? 0;
    expect(median).toBe(8);
    const [busy, busier] = [scoredAt(defaultConfig, 12), scoredAt(defaultConfig, 24)];
    expect(measureOf(busier, 'engagement', 'logins')?.score).toBeGreaterThan(
      measureOf(busy, 'engagement', 'logins')?.score ?? 100,
    );
    expect(busier.score).toBeGreaterThan(busy.score ?? 100);
  });

  it('saturates at the median on the linear scale, when a config chooses it', () => {
    expect([loginsAt(linearScale, 8), loginsAt(linearScale, 16)]).toEqual([100, 100]);
  });

  it('ranks twice and four times the median apart on the log scale, with 4x at the ceiling', () => {
    expect([
      loginsAt(logScale, 4),
      loginsAt(logScale, 8),
      loginsAt(logScale, 16),
      loginsAt(logScale, 32),
    ]).toEqual([40, 80, 90, 100]);
  });
});

describe('learned baselines start from any portfolio', () => {
  /** Every account red last time: the defaults painted the portfolio red, so none is in the healthy cohort. */
  const redLastTime = Array.from({ length: 10 }, (_, i): ScoringInput => {
    const id = `r-${i}`;
    return {
      account: account({ id }),
      rollups: rollupsFrom(id, activity(id, { loginsPerDay: 2 + i, users: 2 })),
      tickets: [],
      history: [{ at: daysAgo(1), score: 30, band: 'red' }],
    };
  });

  it('learns from the top quantile of the segment when the healthy cohort is empty', () => {
    const core = computeBaselines(defaultConfig, redLastTime, NOW).segments.core;
    expect(core?.cohortSize).toBe(0);
    // Logins per day 2..11: the 0.75 quantile is 8.75.
    expect(core?.metrics.loginsPerDay).toEqual({ value: 8.75, source: 'segment', sampleSize: 10 });
  });

  it('keeps the configured defaults without health.measures', () => {
    const { measures: _left, ...health } = defaultConfig.health;
    const core = computeBaselines({ ...defaultConfig, health }, redLastTime, NOW).segments.core;
    expect(core?.metrics.loginsPerDay?.source).toBe('fallback');
  });
});

describe('no verdict from a window shorter than the data it needs', () => {
  const baselines = computeBaselines(defaultConfig, [], NOW);
  const minimum = defaultConfig.health.measures?.minimumDataDays ?? 0;
  /** An account live `days` days, in by `opened` with one login, its other signals and tickets as given. */
  const liveFor = (id: string, days: number, signals: Signal[] = [], tickets: ScoringInput['tickets'] = []) =>
    scoreAccount(
      defaultConfig,
      {
        account: account({ id, goLiveDate: dayAgo(days) }),
        rollups: rollupsFrom(id, [
          signal(id, 'login', daysAgo(Math.min(days, 1)), { userId: 'u1' }),
          ...signals,
        ]),
        tickets,
      },
      baselines,
      NOW,
    );

  it('defaults to a real minimum: a week of data before product use is judged', () => {
    expect(minimum).toBe(7);
  });

  it('leaves product use unknown on the first morning, saying there is not enough data yet', () => {
    const snapshot = liveFor('newco', 0);
    for (const id of ['engagement', 'adoption'] as const)
      expect(component(snapshot, id)).toMatchObject({
        status: 'unknown',
        reason: 'not enough data yet: live 0 days, a verdict needs 7',
      });
    expect(snapshot.drivers.map((d) => d.text).join('; ')).not.toMatch(/login|usage|active users|meeting/);
  });

  it('does not count meetings the account has not had the months to hold', () => {
    expect(measureOf(liveFor('newco', 3), 'relationship', 'meetings')).toBeUndefined();
    expect(measureOf(liveFor('weekold', minimum), 'relationship', 'meetings')).toMatchObject({ actual: 0 });
  });

  it('gives detection no red day to escalate on in the first week, whatever the days without signals', () => {
    for (let days = 0; days < minimum; days++) {
      const snapshot = liveFor(`new-${days}`, days);
      expect(snapshot.band).not.toBe('red');
      expect(redDays([], snapshot.band, NOW)).toBe(0);
    }
  });

  it('judges product use from the day the minimum is reached: a silent week is then low engagement', () => {
    const snapshot = liveFor('weekold', minimum);
    expect(component(snapshot, 'engagement')).toMatchObject({ status: 'known' });
    expect(measureOf(snapshot, 'engagement', 'logins')?.score).toBeLessThan(10);
  });

  it('still judges what happened in the first week: urgent tickets and a sponsor leaving make a new account red', () => {
    const id = 'troubled';
    const snapshot = liveFor(
      id,
      3,
      [signal(id, 'sponsor_left', daysAgo(2)), signal(id, 'nps', daysAgo(2), { value: 0 })],
      [openTicket(id, 'T1', 2, 'urgent'), openTicket(id, 'T2', 2, 'urgent')],
    );
    expect(component(snapshot, 'engagement')).toMatchObject({ status: 'unknown' });
    expect(snapshot.band).toBe('red');
  });
});

describe('login counts per account without user ids', () => {
  const logins = (value?: number): unknown => ({
    id: 'l-1',
    accountId: 'acme',
    type: 'logins',
    occurredAt: daysAgo(1),
    ...(value === undefined ? {} : { value }),
  });

  it('accepts a `logins` signal carrying a count and no user id', () => {
    expect(signalSchema.safeParse(logins(40)).success).toBe(true);
  });

  it('refuses one without a whole count, naming the field', () => {
    for (const bad of [logins(), logins(2.5), logins(-1)]) {
      const parsed = signalSchema.safeParse(bad);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['value']);
    }
  });

  it('scores the counts as logins', () => {
    const id = 'counted';
    const signals: Signal[] = Array.from({ length: 30 }, (_, d) =>
      signal(id, 'logins', daysAgo(d, 23), { value: 6 }),
    );
    const snapshot = scoreAccount(
      defaultConfig,
      { account: account({ id }), rollups: rollupsFrom(id, signals), tickets: [] },
      computeBaselines(defaultConfig, [], NOW),
      NOW,
    );
    expect(measureOf(snapshot, 'engagement', 'logins')).toMatchObject({ actual: 6, expected: 8 });
    expect(measureOf(snapshot, 'engagement', 'activeUsers')).toBeUndefined();
  });

  it('reaches the first-login milestone on the first day with a count, not on a count of 0', () => {
    const id = 'onboarding';
    const rollups = rollupsFrom(id, [
      signal(id, 'logins', daysAgo(9), { value: 0 }),
      signal(id, 'logins', daysAgo(8), { value: 3 }),
    ]);
    expect(detectMilestones(defaultConfig, rollups)).toContainEqual({
      milestone: 'first_login',
      day: dayAgo(8),
    });
  });
});

describe('usage per licensed seat and per unit of ARR', () => {
  const perArr = withConfig(defaultConfig, (draft) => {
    if (draft.health.measures) draft.health.measures.perArr = 1000;
  });
  const withSeats = (id: string, seats: number, users: number): ScoringInput => ({
    account: account({ id, contract: { ...account().contract, seats } }),
    rollups: rollupsFrom(id, activity(id, { loginsPerDay: users, users })),
    tickets: [],
  });
  const cohort = Array.from({ length: 10 }, (_, i) => withSeats(`s-${i}`, 10, 5));
  const baselines = computeBaselines(perArr, cohort, NOW);

  it('judges a 500-seat account with the logins of a 10-seat one as using a fraction of its seats', () => {
    const big = scoreAccount(perArr, withSeats('big', 500, 5), baselines, NOW);
    expect(measureOf(big, 'engagement', 'activeUsers')).toMatchObject({ actual: 5, expected: 5, score: 90 });
    expect(measureOf(big, 'engagement', 'activeUsersPerSeat')).toMatchObject({
      actual: 0.01,
      expected: 0.5,
      score: 1.8, // 2% of the baseline: 2% of the 90 it scores
      finding: 'active users per seat down 98% vs the Core baseline over 30 days',
    });
    expect(measureOf(big, 'engagement', 'usagePerArr')).toMatchObject({ actual: 1.25, expected: 1.25 });
    expect(contributionsSum(big)).toBe(big.score);
  });

  it('takes seats through the API schema and CSV import, refusing a bad count by its field', () => {
    const row = unflatten(
      {
        id: 'a',
        'contract.seats': '25',
        'attributes.plan': 'pro',
        'attributes.tenureMonths': '14',
      },
      ACCOUNT_CSV_RULES,
    );
    expect(row).toMatchObject({ contract: { seats: 25 }, attributes: { plan: 'pro', tenureMonths: 14 } });
    const bad = accountSchema.safeParse({ ...account(), contract: { ...account().contract, seats: 0 } });
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['contract.seats']);
  });
});

describe('change against the account’s own recent history', () => {
  it('scores usage 40% down on the 90 days before as a driver', () => {
    const id = 'fading';
    const signals = Array.from({ length: 120 }, (_, d) =>
      signal(id, 'usage', daysAgo(d, 20), { value: d < 30 ? 60 : 100 }),
    );
    const snapshot = scoreAccount(
      defaultConfig,
      { account: account({ id }), rollups: rollupsFrom(id, signals), tickets: [] },
      computeBaselines(defaultConfig, [], NOW),
      NOW,
    );
    expect(measureOf(snapshot, 'engagement', 'ownTrend')).toMatchObject({
      actual: 60,
      expected: 100,
      expectedFrom: 'own',
      score: 60,
      finding: 'usage down 40% in the last 30 days vs the 90 before (60 a day vs 100)',
    });
  });

  it('is not scored for an account whose data does not reach back that far', () => {
    const id = 'young-data';
    const signals = Array.from({ length: 60 }, (_, d) => signal(id, 'usage', daysAgo(d, 20), { value: 10 }));
    const snapshot = scoreAccount(
      defaultConfig,
      { account: account({ id }), rollups: rollupsFrom(id, signals), tickets: [] },
      computeBaselines(defaultConfig, [], NOW),
      NOW,
    );
    expect(measureOf(snapshot, 'engagement', 'ownTrend')).toBeUndefined();
  });
});

describe('custom measures of account attributes', () => {
  const custom = withConfig(defaultConfig, (draft) => {
    if (!draft.health.measures) return;
    draft.health.measures.custom = [TENURE_MEASURE, CONTRACT_MEASURE];
  });
  const baselines = computeBaselines(custom, healthyCoreCohort(10), NOW);
  const scored = (attributes?: Record<string, string | number>) =>
    scoreAccount(
      custom,
      {
        account: account({ id: 'tab', ...(attributes && { attributes }) }),
        rollups: rollupsFrom('tab', activity('tab')),
        tickets: [],
      },
      baselines,
      NOW,
    );

  it('scores a number against its expected value and a category by its mapping, explained in words', () => {
    const snapshot = scored({ tenureMonths: 6, contract: 'month-to-month' });
    expect(measureOf(snapshot, 'relationship', 'tenure')).toMatchObject({
      score: 25,
      weight: 2,
      finding: 'tenure (months) 6 vs at least 24 expected',
    });
    expect(measureOf(snapshot, 'outcomes', 'contractType')).toMatchObject({
      score: 20,
      finding: 'contract type "month-to-month" (scores 20 of 100)',
    });
    expect(snapshot.drivers.map((d) => d.text)).toContain(
      'contract type "month-to-month" (scores 20 of 100)',
    );
    expect(contributionsSum(snapshot)).toBe(snapshot.score);
  });

  it('weighs a custom measure within its component by its weight', () => {
    const relationship = component(scored({ tenureMonths: 6 }), 'relationship');
    const own =
      relationship?.status === 'known' ? relationship.measures.filter((m) => m.measure !== 'tenure') : [];
    const ownSum = own.reduce((sum, m) => sum + m.score, 0);
    expect(relationship?.score).toBeCloseTo((ownSum + 25 * 2) / (own.length + 2), 1);
  });

  it('leaves a measure out when the account lacks the attribute: unknown, not zero', () => {
    const snapshot = scored();
    expect(measureOf(snapshot, 'relationship', 'tenure')).toBeUndefined();
    expect(measureOf(snapshot, 'outcomes', 'contractType')).toBeUndefined();
  });

  it('refuses attributes that are neither text, a number nor yes/no, naming the field', () => {
    const parsed = accountSchema.safeParse({ ...account(), attributes: { plan: { tier: 'gold' } } });
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['attributes.plan']);
  });
});

describe('health.measures in the typed config', () => {
  it('refuses a bad setting with its path and reason', () => {
    const broken = JSON.parse(JSON.stringify(defaultConfig));
    broken.health.measures.scale = { kind: 'log', atBaseline: 80, ceilingRatio: 1 };
    broken.health.measures.ownHistory = { recentDays: 90, priorDays: 120 };
    broken.health.measures.custom = [
      {
        id: 'seats',
        component: 'mood',
        from: { attribute: 'seats' },
        kind: 'numeric',
        direction: 'higher',
        expected: 10,
        label: 'seats',
      },
    ];
    const result = parseConfig(broken);
    const byPath = Object.fromEntries((result.ok ? [] : result.errors).map((e) => [e.path, e.message]));
    expect(byPath).toMatchObject({
      'health.measures.scale.ceilingRatio': 'must be above 1 (times the baseline)',
      'health.measures.ownHistory.priorDays': expect.stringContaining(
        'must not exceed health.lookbackDays (180)',
      ),
      'health.measures.custom[0].component': expect.stringContaining('must be one of: engagement'),
    });
  });
});
