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
  it('averages the scores of the accounts that have one, leaving out those not yet scored', () => {
    const summary = summarisePortfolio(
      defaultConfig,
      [
        { accountId: 'a', health: health(80, 'green') },
        { accountId: 'b', health: health(61, 'yellow') },
        { accountId: 'c', health: health(null, 'unknown') },
        { accountId: 'd' },
      ],
      NOW,
    );
    const strategic = summary.segments.find((segment) => segment.segment === 'strategic');
    expect(strategic).toMatchObject({
      accounts: 3,
      bands: { green: 1, yellow: 1, red: 0, unknown: 1 },
      averageScore: 70.5,
    });
    expect(summary).toMatchObject({ accounts: 4, notScored: 1, scoredUnderOtherModel: 0 });
    expect(summary.segments.find((segment) => segment.segment === 'core')?.averageScore).toBeNull();
  });
});
