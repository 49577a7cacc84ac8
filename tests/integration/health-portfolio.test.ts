import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { fixedClock } from '#core/clock';
import { summarisePortfolio } from '#core/health/portfolio';
import type { HealthRecord } from '#core/health/record';
import { recomputeDaily } from '#functions/shared/health/recompute-portfolio';
import { readBaselines } from '#store/baseline-store';
import type { Db } from '#store/client';
import { readHealth } from '#store/health-store';
import { listPortfolio } from '#store/portfolio-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { accountFor, portfolioAccounts, signalsFor } from '../support/health-portfolio.ts';
import { seedStoredHistory } from '../support/seed-store.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
/** Four healthy accounts and one moderate one make a cohort; the default asks for eight before trusting one. */
const config: Config = {
  ...defaultConfig,
  health: { ...defaultConfig.health, baseline: { ...defaultConfig.health.baseline, minCohortSize: 3 } },
};
const seeds = portfolioAccounts();
let db: Db;

async function health(accountId: string): Promise<HealthRecord> {
  const found = await readHealth(db, accountId);
  if (!found) throw new Error(`${accountId} has no stored health`);
  return found;
}

const tenths = (value: number) => Math.round(value * 10);

beforeAll(async () => {
  db = await createTestDb();
  const accounts = seeds.map((seed) => accountFor(seed, NOW));
  await seedStoredHistory(
    db,
    accounts,
    seeds.flatMap((seed) => signalsFor(seed, NOW)),
    NOW,
  );
  const pass = await recomputeDaily(testDeps(db, fixedClock(NOW)), config);
  expect(pass.byStatus['first-score']).toBe(seeds.length);
});

describe('health of a seeded portfolio', () => {
  it("learns each segment's baseline from that segment's own healthy accounts", async () => {
    const baselines = await readBaselines(db);
    const logins = (segment: string) => baselines?.segments[segment]?.metrics.loginsPerDay;
    // Logins a day over the last 30 days, today (no logins yet) included: 29/30 of the daily habit.
    expect(logins('strategic')).toEqual({
      value: expect.closeTo(10 * (29 / 30)),
      source: 'cohort',
      sampleSize: 5,
    });
    expect(logins('core')).toEqual({ value: expect.closeTo(5 * (29 / 30)), source: 'cohort', sampleSize: 5 });
    expect(logins('transactional')).toEqual({
      value: expect.closeTo(2 * (29 / 30)),
      source: 'cohort',
      sampleSize: 5,
    });
  });

  it('puts healthy accounts in green and troubled ones in red, in every segment', async () => {
    for (const seed of seeds.filter((s) => s.profile !== 'moderate')) {
      const { snapshot } = await health(seed.id);
      expect(snapshot.segment.segment, seed.id).toBe(seed.segment);
      expect(snapshot.band, seed.id).toBe(seed.profile === 'healthy' ? 'green' : 'red');
    }
  });

  it("judges the same modest product use against each segment's own norm", async () => {
    const strategic = (await health('strategic-moderate')).snapshot;
    const core = (await health('core-moderate')).snapshot;
    const transactional = (await health('transactional-moderate')).snapshot;
    expect(strategic.band).toBe('yellow');
    expect(transactional.band).toBe('green');
    expect(strategic.score).toBeLessThan(core.score ?? 0);
    expect(core.score).toBeLessThan(transactional.score ?? 0);
    expect(strategic.drivers.map((d) => d.text)).toContain(
      'usage down 85% vs the Strategic baseline over 30 days',
    );
    const engagement = transactional.components.find((c) => c.component === 'engagement');
    expect(engagement?.status === 'known' && engagement.measures.map((m) => m.finding)).toContain(
      'logins up 50% vs the Transactional baseline over 30 days',
    );
  });

  it('explains a red account in words, with contributions that add up exactly to its score', async () => {
    const { snapshot } = await health('strategic-troubled');
    expect(snapshot.band).toBe('red');
    expect(snapshot.bands).toEqual({ green: 74, yellow: 55 });
    const sum = snapshot.components.reduce((total, c) => total + tenths(c.contribution), 0);
    expect(sum).toBe(tenths(snapshot.score ?? -1));
    // Meetings are counted from the first day any account held one (90 days ago), today included: the days the
    // portfolio's meetings data covers (core/health/feeds.ts), not half a year.
    expect(snapshot.drivers.map((d) => d.text)).toEqual([
      'sponsor left 12 days ago',
      '2 features used in 30 days vs 8 for healthy Strategic accounts',
      '2 of 3 meetings missed in 91 days',
    ]);
    const support = snapshot.components.find((c) => c.component === 'support');
    expect(support?.status === 'known' && support.measures.map((m) => m.finding)).toContain(
      '3 tickets open longer than 14 days',
    );
  });

  it('classifies journeys against the journey baseline', async () => {
    const classes = await Promise.all(
      ['core-healthy-0', 'core-healthy-1', 'core-troubled'].map(async (id) => (await health(id)).journey),
    );
    expect(classes.map((j) => j.journeyClass)).toEqual(['champion', 'cruiser', 'laggard']);
    expect(classes[2]?.reasons).toContain('First login on day 9, 4 days after day 5');
    expect((await health('core-healthy-0')).milestones.map((m) => m.milestone)).toEqual([
      'first_login',
      'configured',
      'value_75',
    ]);
  });

  it('summarises bands and journey classes by segment', async () => {
    const summary = summarisePortfolio(
      config,
      (await listPortfolio(db)).map((entry) => ({ ...entry, churnedAt: null })),
      NOW,
    );
    expect(summary).toMatchObject({ accounts: 18, notScored: 0, scoredUnderOtherModel: 0 });
    const bySegment = Object.fromEntries(summary.segments.map((s) => [s.segment, s]));
    expect(bySegment.strategic).toMatchObject({
      accounts: 6,
      bands: { green: 4, yellow: 1, red: 1, unknown: 0 },
      classes: { champion: 3, cruiser: 2, laggard: 1 },
    });
    expect(bySegment.core?.bands).toEqual({ green: 5, yellow: 0, red: 1, unknown: 0 });
    expect(bySegment.transactional?.bands).toEqual({ green: 5, yellow: 0, red: 1, unknown: 0 });
  });
});
