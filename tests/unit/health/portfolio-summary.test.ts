import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { modelVersion } from '#core/health/model-version';
import { type HealthSummary, summarisePortfolio } from '#core/health/portfolio';

const NOW = new Date('2026-06-01T12:00:00Z');
const health = (score: number | null, band: HealthSummary['band']): HealthSummary => ({
  segment: 'strategic',
  score,
  band,
  journeyClass: 'cruiser',
  modelVersion: modelVersion(defaultConfig),
  scoredAt: '2026-06-01T05:00:00.000Z',
});

describe('the portfolio summary of a segment (core/health/portfolio.ts)', () => {
  it('follows an account that churned in the trend for the weeks before its churn only', () => {
    const since = (band: HealthSummary['band']) => ({
      ...health(band === 'green' ? 80 : 20, band),
      bandTrail: [{ at: '2026-01-01T05:00:00.000Z', band }],
    });
    const churnedAt = '2026-05-01T10:00:00.000Z';
    const summary = summarisePortfolio(
      defaultConfig,
      [
        { accountId: 'a', health: since('green'), churnedAt: null },
        { accountId: 'gone', health: since('red'), churnedAt },
      ],
      NOW,
    );
    const points = summary.trend.find((t) => t.segment === 'strategic')?.points ?? [];
    const before = points.filter((p) => p.at < churnedAt);
    const after = points.filter((p) => p.at >= churnedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const p of before) expect(p.bands).toMatchObject({ green: 1, red: 1 });
    for (const p of after) expect(p.bands).toMatchObject({ green: 1, red: 0 });
  });

  it('averages the scores of the accounts that have one, leaving out those not yet scored', () => {
    const summary = summarisePortfolio(
      defaultConfig,
      [
        { accountId: 'a', health: health(80, 'green'), churnedAt: null },
        { accountId: 'b', health: health(61, 'yellow'), churnedAt: null },
        { accountId: 'c', health: health(null, 'unknown'), churnedAt: null },
        { accountId: 'd', churnedAt: null },
      ],
      NOW,
    );
    const strategic = summary.segments.find((segment) => segment.segment === 'strategic');
    expect(strategic).toMatchObject({
      accounts: 3,
      bands: { green: 1, yellow: 1, red: 0, unknown: 1 },
      averageScore: 70.5,
    });
    expect(summary).toMatchObject({ accounts: 4, churned: 0, notScored: 1, scoredUnderOtherModel: 0 });
    expect(summary.segments.find((segment) => segment.segment === 'core')?.averageScore).toBeNull();
  });

  it('counts an account that churned apart: not among the accounts, bands or scores it summarises', () => {
    const summary = summarisePortfolio(
      defaultConfig,
      [
        { accountId: 'a', health: health(80, 'green'), churnedAt: null },
        { accountId: 'gone', health: health(12, 'red'), churnedAt: '2026-04-28T10:00:00.000Z' },
        { accountId: 'never-scored-gone', churnedAt: '2026-03-01T10:00:00.000Z' },
      ],
      NOW,
    );
    expect(summary).toMatchObject({ accounts: 1, churned: 2, notScored: 0 });
    expect(summary.segments.find((segment) => segment.segment === 'strategic')).toMatchObject({
      accounts: 1,
      bands: { green: 1, yellow: 0, red: 0, unknown: 0 },
      averageScore: 80,
    });
  });
});
