import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { observedJourneyClass } from '#core/simulation/journey';
import { account, dayAgo, daysAgo, NOW, rollupsFrom, signal } from '../health/builders.ts';

describe('journey class at the end of a run (seed 004)', () => {
  const goLive = dayAgo(30);
  const customer = account({ goLiveDate: goLive });
  const configured = (days: number) =>
    signal('acme', 'milestone', daysAgo(days), { attributes: { milestone: 'configuration_complete' } });

  it('calls an account that logged in on day 1 and configured on day 3 a champion', () => {
    const rollups = rollupsFrom('acme', [
      signal('acme', 'login', daysAgo(29), { userId: 'u1' }),
      configured(27),
    ]);
    expect(observedJourneyClass(defaultConfig, customer, rollups, goLive, NOW)).toBe('champion');
  });

  it('calls an account with no login by day 5 and no configuration by day 10 a laggard', () => {
    const rollups = rollupsFrom('acme', [
      signal('acme', 'login', daysAgo(18), { userId: 'u1' }),
      configured(5),
    ]);
    expect(observedJourneyClass(defaultConfig, customer, rollups, goLive, NOW)).toBe('laggard');
  });

  it('gives no class to an account that went live before the run could see it', () => {
    expect(observedJourneyClass(defaultConfig, customer, [], dayAgo(10), NOW)).toBeNull();
  });
});
