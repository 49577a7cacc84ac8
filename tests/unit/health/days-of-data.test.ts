import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { cohortSample, computeBaselines } from '#core/health/baselines';
import { type AccountHealthInput, nextHealth, scoringInput } from '#core/health/next-health';
import {
  account,
  activity,
  component,
  dayAgo,
  daysAgo,
  healthyCoreCohort,
  NOW,
  openTicket,
  rollupsFrom,
} from './builders.ts';

/**
 * issue 19, "no verdict from a window shorter than the data it needs": the days of data count from the later of
 * go-live and the first day the data covers the account, not from go-live alone.
 */

const baselines = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);
const minimum = defaultConfig.health.measures?.minimumDataDays ?? 0;
const engagementWindow = defaultConfig.health.windows.engagement;

/**
 * A customer live for three years, registered with churnguard `registeredDaysAgo` days ago, using the product
 * like the healthy cohort (8 logins a day) on each of the `usedDays` days up to today.
 */
function lateData(
  id: string,
  registeredDaysAgo: number,
  usedDays = registeredDaysAgo + 1,
): AccountHealthInput {
  return {
    account: { ...account({ id, goLiveDate: dayAgo(3 * 365) }), createdAt: daysAgo(registeredDaysAgo, 6) },
    rollups: rollupsFrom(id, activity(id, { days: usedDays })),
    tickets: [],
  };
}

const scored = (input: AccountHealthInput) =>
  nextHealth(defaultConfig, input, baselines, NOW, 'daily').record;

describe('days of data count from the later of go-live and the first day of data', () => {
  it('gives an old account registered two days ago no verdict on product use, and no red for the days before', () => {
    const { snapshot, dataSince } = scored(lateData('late', 2));
    expect(dataSince).toBe(dayAgo(2));
    for (const id of ['engagement', 'adoption'] as const)
      expect(component(snapshot, id)).toMatchObject({
        status: 'unknown',
        reason: `not enough data yet: data since ${dayAgo(2)} (2 days), a verdict needs ${minimum}`,
      });
    expect(snapshot.band).not.toBe('red');
    expect(snapshot.drivers.map((d) => d.text).join('; ')).not.toMatch(/login|usage|active users|feature/);
  });

  it('judges its product use once the data covers the minimum, over the days of data only', () => {
    const days = minimum + 3;
    const { snapshot } = scored(lateData('late', days));
    const engagement = component(snapshot, 'engagement');
    expect(engagement?.status).toBe('known');
    const logins =
      engagement?.status === 'known' ? engagement.measures.find((m) => m.measure === 'logins') : null;
    // Eight logins on each of its days of data, like the healthy cohort: not a third of that over 30 days. Its
    // days of data are the day it was registered and each day since, today included.
    expect(logins?.actual).toBe(8);
    expect(logins?.finding).toContain(`over ${days + 1} days`);
    expect(snapshot.band).toBe('green');
  });

  it('counts an account imported with its history from its earliest rollup: a full window from the first day', () => {
    const { snapshot, dataSince } = scored(lateData('imported', 0, 60));
    expect(dataSince).toBe(dayAgo(59));
    const engagement = component(snapshot, 'engagement');
    expect(engagement?.status).toBe('known');
    expect(engagement?.status === 'known' && engagement.measures[0]?.finding).toContain(
      `over ${engagementWindow} days`,
    );
  });

  it('keeps the first day of data the stored record holds once the early rollups leave what is read', () => {
    const first = scored(lateData('kept', 0, 20)).dataSince;
    const next = nextHealth(
      defaultConfig,
      { ...lateData('kept', 0, 2), previous: scored(lateData('kept', 0, 20)) },
      baselines,
      NOW,
      'daily',
    ).record;
    expect(next.dataSince).toBe(first);
    expect(scoringInput({ ...lateData('kept', 0, 2), previous: next }, NOW).dataSince).toBe(first);
  });

  it('still counts journeys from go-live', () => {
    const { journey } = scored(lateData('late', 2));
    expect(journey.daysLive).toBe(3 * 365);
  });

  it('counts a young account from go-live when its data began before it', () => {
    const id = 'young';
    const young: AccountHealthInput = {
      account: { ...account({ id, goLiveDate: dayAgo(3) }), createdAt: daysAgo(30) },
      rollups: rollupsFrom(id, activity(id, { days: 4 })),
      tickets: [],
    };
    expect(component(scored(young).snapshot, 'engagement')).toMatchObject({
      status: 'unknown',
      reason: `not enough data yet: live 3 days, a verdict needs ${minimum}`,
    });
  });
});

describe('the baseline cohort reads days of data the way scoring does', () => {
  it('takes no product-use values from an account whose data is too short for a verdict, but its tickets', () => {
    const input = { ...lateData('late', 2), tickets: [openTicket('late', 't-1', 1)] };
    const sample = cohortSample(defaultConfig, scoringInput(input, NOW), NOW);
    expect(sample?.sample).not.toHaveProperty('loginsPerDay');
    expect(sample?.sample).not.toHaveProperty('featuresUsed');
    expect(sample?.sample).not.toHaveProperty('meetingsHeld');
    expect(sample?.sample.openTickets).toBe(1);
  });

  it('takes its rate over the days of data once they are enough', () => {
    const sample = cohortSample(defaultConfig, scoringInput(lateData('late', minimum + 3), NOW), NOW);
    expect(sample?.sample.loginsPerDay).toBe(8);
  });
});
