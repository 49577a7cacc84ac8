import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { bandChanges, bandTrend } from '#core/health/band-trend';
import { journeyFunnel } from '#core/health/journey-funnel';
import type { HealthSummary } from '#core/health/portfolio';
import { automationActivity } from '#core/journeys/automation';

const NOW = new Date('2026-12-05T12:00:00.000Z');

function summary(overrides: Partial<HealthSummary>): HealthSummary {
  return {
    segment: 'core',
    score: 60,
    band: 'yellow',
    journeyClass: 'cruiser',
    modelVersion: 'm',
    scoredAt: '2026-12-01T05:00:00.000Z',
    ...overrides,
  };
}

describe('band trend', () => {
  it('keeps only the changes of band from a score trail', () => {
    expect(
      bandChanges([
        { at: '2026-10-02T00:00:00Z', score: 71, band: 'green' },
        { at: '2026-10-01T00:00:00Z', score: 80, band: 'green' },
        { at: '2026-11-01T00:00:00Z', score: 40, band: 'red' },
        { at: '2026-11-02T00:00:00Z', score: 41, band: 'red' },
      ]),
    ).toEqual([
      { at: '2026-10-01T00:00:00Z', band: 'green' },
      { at: '2026-11-01T00:00:00Z', band: 'red' },
    ]);
  });

  it('counts each account at the band in force at each week end, and leaves it out before its first score', () => {
    const accounts = [
      {
        health: summary({
          band: 'red',
          bandTrail: [
            { at: '2026-11-01T00:00:00Z', band: 'green' },
            { at: '2026-11-25T00:00:00Z', band: 'red' },
          ],
        }),
      },
      // An entry written before band changes were kept counts at its band from its last score.
      { health: summary({ band: 'yellow', scoredAt: '2026-11-30T05:00:00.000Z' }) },
      { health: summary({ segment: 'strategic', band: 'green' }) },
    ];
    const [core] = bandTrend(['core'], accounts, NOW, 4);
    expect(core?.points.map((p) => p.at.slice(0, 10))).toEqual([
      '2026-11-07',
      '2026-11-14',
      '2026-11-21',
      '2026-11-28',
      '2026-12-05',
    ]);
    expect(core?.points.map((p) => [p.bands.green, p.bands.yellow, p.bands.red, p.accounts])).toEqual([
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [0, 0, 1, 1],
      [0, 1, 1, 2],
    ]);
  });
});

describe('journey funnel', () => {
  const journey = (milestones: NonNullable<HealthSummary['journey']>['milestones']) =>
    summary({ journey: { judgedBy: 'milestones', pace: 0, goLiveDate: '2026-11-20', milestones } });

  it('counts a milestone still pending when last scored as missed once its due day and grace have passed', () => {
    const stale = journey([
      { milestone: 'first_login', dueDay: 5, reachedDay: 2, status: 'ahead' },
      { milestone: 'configured', dueDay: 10, reachedDay: null, status: 'pending' },
      { milestone: 'value_75', dueDay: 90, reachedDay: null, status: 'pending' },
    ]);
    const [core] = journeyFunnel(defaultConfig, ['core'], [{ health: stale }], NOW);
    const step = (id: string) => core?.steps.find((s) => s.milestone === id);
    expect(step('first_login')).toMatchObject({ due: 1, reached: 1, ahead: 1 });
    // Day 15 of the journey: configuration was due on day 10.
    expect(step('configured')).toMatchObject({ due: 1, reached: 0, missed: 1, pending: 0 });
    expect(step('value_75')).toMatchObject({ due: 0, pending: 1 });
  });

  it('leaves out accounts classed by health and those of other segments', () => {
    const established = summary({
      journey: { judgedBy: 'health', pace: 0.3, goLiveDate: '2024-01-01', milestones: [] },
    });
    const [core] = journeyFunnel(
      defaultConfig,
      ['core'],
      [{ health: established }, { health: undefined }],
      NOW,
    );
    expect(core?.accounts).toBe(0);
  });
});

describe('automation activity', () => {
  it('counts per play and compares a holdout by outcome and health', () => {
    const activity = automationActivity(
      { plays: { ...defaultConfig.plays } },
      [
        { accountId: 'a', playId: 'nudge_value', audience: 'contact', status: 'sent' },
        { accountId: 'b', playId: 'nudge_value', audience: 'contact', status: 'failed' },
      ],
      [
        { accountId: 'c', playId: 'nudge_value', outcome: 'held_out', reason: 'held_out' },
        { accountId: 'd', playId: 'nudge_value', outcome: 'dropped', reason: 'quiet_hours' },
      ],
      [
        { accountId: 'a', outcome: 'renewed', at: '2026-11-01T00:00:00Z' },
        { accountId: 'c', outcome: 'churned', at: '2026-11-01T00:00:00Z' },
      ],
      new Map([
        ['a', { score: 80, band: 'green' as const }],
        ['c', { score: 35, band: 'red' as const }],
      ]),
    );
    expect(activity.plays).toEqual([
      {
        play: 'nudge_value',
        sent: 1,
        otherwise: { failed: 1 },
        silent: 0,
        heldOut: 1,
        skipped: { quiet_hours: 1 },
        accountsReached: 1,
      },
    ]);
    const value = activity.holdouts.find((h) => h.play === 'nudge_value');
    expect(value).toMatchObject({
      treated: { accounts: 1, churnRate: 0 },
      heldOut: { accounts: 1, churnRate: 1 },
      churnRateDifference: -1,
      health: { treated: { averageScore: 80, red: 0 }, heldOut: { averageScore: 35, red: 1 } },
      scoreDifference: 45,
    });
  });
});
