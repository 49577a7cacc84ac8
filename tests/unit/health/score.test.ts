import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { computeBaselines } from '#core/health/baselines';
import { modelVersion } from '#core/health/model-version';
import { scoreAccount } from '#core/health/score';
import type { HealthSnapshot, ScoringInput } from '#core/health/types';
import {
  account,
  activity,
  answers,
  daysAgo,
  healthyCoreCohort,
  meetings,
  NOW,
  openTicket,
  rollupsFrom,
  signal,
  withConfig,
} from './builders.ts';

const config = withConfig(defaultConfig, (draft) => {
  draft.health.maxDrivers = 10;
});
const baselines = computeBaselines(config, healthyCoreCohort(10), NOW);

function troubledCoreAccount(): ScoringInput {
  const id = 'fmcg';
  const signals = [
    ...activity(id, { loginsPerDay: 3, users: 2, usagePerDay: 58, features: 2 }),
    ...answers(id, 'nps', [3, 4]),
    ...meetings(id, 1, 2),
    signal(id, 'sponsor_left', daysAgo(12)),
    signal(id, 'value_realized', daysAgo(6), { value: 40 }),
  ];
  return {
    account: account({ id, name: 'FMCG Group' }),
    rollups: rollupsFrom(id, signals),
    tickets: [
      openTicket(id, 't-1', 20),
      openTicket(id, 't-2', 30),
      openTicket(id, 't-3', 40),
      openTicket(id, 't-4', 2, 'urgent'),
    ],
  };
}

const tenths = (value: number) => Math.round(value * 10);

describe('health snapshot of a troubled Core account', () => {
  const snapshot = scoreAccount(config, troubledCoreAccount(), baselines, NOW);

  it('is red against the Core thresholds', () => {
    expect(snapshot.segment).toMatchObject({ segment: 'core', label: 'Core', tier: 'B' });
    expect(snapshot.bands).toEqual({ green: 69, yellow: 50 });
    expect(snapshot.score).toBeLessThan(50);
    expect(snapshot.band).toBe('red');
  });

  it('explains itself in words a CSM accepts', () => {
    const texts = snapshot.drivers.map((driver) => driver.text);
    expect(texts).toContain('usage down 42% vs the Core baseline over 30 days');
    expect(texts).toContain('sponsor left 12 days ago');
    expect(texts).toContain('3 tickets open longer than 14 days');
    expect(texts).toContain('value realised 40% vs 100% expected by day 400');
  });

  it('leads with the three costliest findings under the default settings', () => {
    const top = scoreAccount(defaultConfig, troubledCoreAccount(), baselines, NOW).drivers;
    expect(top.map((driver) => [driver.text, driver.pointsLost])).toEqual([
      ['2 features used in 30 days vs 6 for healthy Core accounts', 10],
      ['value realised 40% vs 100% expected by day 400', 9],
      ['NPS averaging 3.4 vs 8.6 for healthy Core accounts (recent answers count most)', 9],
    ]);
  });

  it('keeps a finding in words for every measure, also those too small to be a top driver', () => {
    const support = snapshot.components.find((c) => c.component === 'support');
    expect(support?.status === 'known' && support.measures.map((m) => [m.finding, m.score])).toEqual([
      ['4 tickets open vs 1 typical for Core', 40],
      ['1.3 tickets opened per 30 days vs 0.3 typical for Core (last 90 days)', 57.1],
      ['3 tickets open longer than 14 days', 25],
      ['1 urgent ticket open', 50],
    ]);
    expect(support?.score).toBe(43);
  });

  it('lists drivers with the biggest cost first', () => {
    const points = snapshot.drivers.map((driver) => driver.pointsLost);
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(points.every((p) => p >= 1)).toBe(true);
  });

  it('shows contributions that add up exactly to the score', () => {
    const sum = snapshot.components.reduce((total, c) => total + tenths(c.contribution), 0);
    expect(snapshot.score).not.toBeNull();
    expect(sum).toBe(tenths(snapshot.score ?? Number.NaN));
  });

  it('judges against the cohort, not the defaults, when the cohort is large enough', () => {
    expect(snapshot.baseline).toMatchObject({
      segment: 'core',
      cohortSize: 10,
      minCohortSize: 8,
      fallbacks: [],
    });
    const engagement = snapshot.components.find((c) => c.component === 'engagement');
    expect(engagement?.status === 'known' && engagement.measures.map((m) => m.expectedFrom)).toEqual([
      'cohort',
      'cohort',
      'cohort',
    ]);
  });

  it('names the model it was scored with', () => {
    expect(snapshot.modelVersion).toBe(modelVersion(config));
    expect(snapshot.modelVersion).toMatch(/^health-v1-[0-9a-f]{12}$/);
  });
});

describe('health snapshot', () => {
  it('leaves out a component without data, renormalises the rest, and says so', () => {
    const id = 'quiet';
    const input: ScoringInput = {
      account: account({ id }),
      rollups: rollupsFrom(id, [...activity(id), ...meetings(id, 4)]),
      tickets: [],
    };
    const snapshot = scoreAccount(config, input, baselines, NOW);
    expect(snapshot.unknown.map((u) => u.component)).toEqual(['sentiment', 'outcomes']);
    expect(snapshot.renormalised).toBe(true);
    const sentiment = snapshot.components.find((c) => c.component === 'sentiment');
    expect(sentiment).toMatchObject({ status: 'unknown', score: null, contribution: 0, normalizedWeight: 0 });
    const known = snapshot.components.filter((c) => c.status === 'known');
    expect(known.reduce((sum, c) => sum + c.normalizedWeight, 0)).toBeCloseTo(1, 3);
    expect(snapshot.notes.join(' ')).toContain('no NPS or CSAT answer in the last 180 days');
  });

  it('says when a segment baseline fell back to the configured defaults', () => {
    const thin = computeBaselines(config, healthyCoreCohort(3), NOW);
    const snapshot = scoreAccount(config, troubledCoreAccount(), thin, NOW);
    expect(snapshot.baseline.cohortSize).toBe(3);
    expect(snapshot.baseline.fallbacks).toContain('loginsPerDay');
    expect(snapshot.notes.join(' ')).toContain(
      'uses the configured defaults: fewer than 8 healthy Core accounts',
    );
  });

  it('tells the trend over 7, 30 and 90 days from earlier scores', () => {
    const history = [
      { at: daysAgo(7, 12), score: 55, band: 'yellow' as const },
      { at: daysAgo(31, 12), score: 72.5, band: 'green' as const },
      { at: daysAgo(400, 12), score: 90, band: 'green' as const },
    ];
    const snapshot = scoreAccount(config, { ...troubledCoreAccount(), history }, baselines, NOW);
    const score = snapshot.score ?? Number.NaN;
    expect(snapshot.trend).toEqual([
      { days: 7, change: Math.round((score - 55) * 10) / 10, comparedWith: history[0]?.at },
      { days: 30, change: Math.round((score - 72.5) * 10) / 10, comparedWith: history[1]?.at },
      { days: 90, change: null, comparedWith: null },
    ]);
  });

  it('has no score when every weighted component lacks data', () => {
    const onlyEngagement = withConfig(config, (draft) => {
      const core = draft.segments.core;
      if (core) core.health.weights = { engagement: 1 };
    });
    const input: ScoringInput = { account: account({ id: 'new' }), rollups: [], tickets: [] };
    const snapshot: HealthSnapshot = scoreAccount(onlyEngagement, input, baselines, NOW);
    expect(snapshot).toMatchObject({ score: null, band: 'unknown', renormalised: false });
    expect(snapshot.notes.join(' ')).toContain('no component could be scored');
  });

  it('notes baselines computed under another model', () => {
    const changed = withConfig(config, (draft) => {
      draft.health.support.staleTicketDays = 21;
    });
    const snapshot = scoreAccount(changed, troubledCoreAccount(), baselines, NOW);
    expect(snapshot.notes.join(' ')).toContain(
      `baselines were computed under model ${baselines.modelVersion}`,
    );
  });
});
