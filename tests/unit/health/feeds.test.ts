import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { computeBaselines } from '#core/health/baselines';
import { earliestFeeds, feedsSeen } from '#core/health/feeds';
import { type AccountHealthInput, nextHealth, scoringInput } from '#core/health/next-health';
import type { Baselines, HealthSnapshot, Measure } from '#core/health/types';
import type { Signal } from '#core/signals';
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
  signal,
} from './builders.ts';

/**
 * issue 19, "no verdict from a window shorter than the data it needs", for a feed connected after the accounts:
 * the days before a feed reached the portfolio are not read as no use, while an account that had the feed and
 * did not use it still is.
 */

const minimum = defaultConfig.health.measures?.minimumDataDays ?? 0;
const cohort = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);

/** An account live for years and registered 100 days ago, with `signals` since. */
function registeredLongAgo(id: string, signals: Signal[]): AccountHealthInput {
  return {
    account: { ...account({ id, goLiveDate: dayAgo(3 * 365) }), createdAt: daysAgo(100, 6) },
    rollups: rollupsFrom(id, signals),
    tickets: [openTicket(id, `${id}-t1`, 80)],
  };
}

/** Product use like the healthy cohort's (8 logins a day, usage, features) on each of the last `days` days. */
const usedFor = (id: string, days: number) => activity(id, { days });

function score(input: AccountHealthInput, baselines: Baselines): HealthSnapshot {
  return nextHealth(defaultConfig, input, baselines, NOW, 'daily').record.snapshot;
}

function measure(snapshot: HealthSnapshot, name: string): Measure | undefined {
  const engagement = component(snapshot, 'engagement');
  return engagement?.status === 'known' ? engagement.measures.find((m) => m.measure === name) : undefined;
}

/** The cohort's baselines, with the product feeds reaching the portfolio `daysAgo` days ago. */
const productFeedsFrom = (days: number): Baselines => ({
  ...cohort,
  feedsSince: {
    logins: dayAgo(days),
    activeUsers: dayAgo(days),
    usage: dayAgo(days),
    features: dayAgo(days),
  },
});

describe('a feed connected after the accounts were registered', () => {
  it('judges product use over the days since the feed reached the portfolio, not over the whole window', () => {
    const input = registeredLongAgo('late-feed', usedFor('late-feed', 11));
    const logins = measure(score(input, productFeedsFrom(10)), 'logins');
    // Eight logins a day on each of the 11 days the feed has covered (the tenth day back to today).
    expect(logins?.actual).toBe(8);
    expect(logins?.finding).toContain('over 11 days');
    // Without knowing when the feed began, those 11 days would be read over the 30-day window.
    expect(measure(score(input, cohort), 'logins')?.actual).toBeCloseTo((8 * 11) / 30, 2);
  });

  it('still reads an account that had the feed and did not use it as no use: the start is the portfolio’s', () => {
    // Used the product only yesterday and today, though the feed has reached the portfolio for 20 days.
    const input = registeredLongAgo('dormant', usedFor('dormant', 2));
    const logins = measure(score(input, productFeedsFrom(20)), 'logins');
    expect(logins?.finding).toContain('over 21 days');
    expect(logins?.actual).toBeCloseTo((8 * 2) / 21, 2);
  });

  it('gives no verdict on product use until the feed covers the minimum days, and judges the rest', () => {
    const input = registeredLongAgo('just-connected', usedFor('just-connected', 3));
    const snapshot = score(input, productFeedsFrom(2));
    expect(component(snapshot, 'engagement')).toMatchObject({
      status: 'unknown',
      reason: `not enough data yet: logins since ${dayAgo(2)} (2 days), a verdict needs ${minimum}`,
    });
    expect(component(snapshot, 'adoption')).toMatchObject({
      status: 'unknown',
      reason: `not enough data yet: feature use since ${dayAgo(2)} (2 days), a verdict needs ${minimum}`,
    });
    expect(component(snapshot, 'support')?.status).toBe('known');
    expect(snapshot.band).not.toBe('red');
  });

  it('counts from the account’s own first day when it came after the feed reached the portfolio', () => {
    const input: AccountHealthInput = {
      ...registeredLongAgo('new', usedFor('new', 9)),
      account: { ...account({ id: 'new', goLiveDate: dayAgo(8) }), createdAt: daysAgo(8, 6) },
    };
    expect(measure(score(input, productFeedsFrom(60)), 'logins')?.finding).toContain('over 9 days');
  });
});

describe('learning when each feed reached the portfolio', () => {
  const inputs = [
    registeredLongAgo('a', usedFor('a', 12)),
    registeredLongAgo('b', [...usedFor('b', 30), signal('b', 'meeting_held', daysAgo(50, 15))]),
  ];

  it('takes, feed by feed, the first day any account shows it', () => {
    const baselines = computeBaselines(
      defaultConfig,
      inputs.map((input) => scoringInput(input, NOW)),
      NOW,
    );
    expect(baselines.feedsSince).toEqual({
      logins: dayAgo(29),
      activeUsers: dayAgo(29),
      usage: dayAgo(29),
      features: dayAgo(29),
      meetings: dayAgo(50),
      tickets: dayAgo(80),
    });
  });

  it('keeps the day once the early data has left what scoring reads', () => {
    const learnt = { logins: dayAgo(400) };
    const baselines = computeBaselines(
      defaultConfig,
      inputs.map((input) => scoringInput(input, NOW, learnt)),
      NOW,
    );
    expect(baselines.feedsSince?.logins).toBe(dayAgo(400));
  });

  it('reads each feed from rollups and tickets, and merges feed by feed', () => {
    const seen = feedsSeen(rollupsFrom('c', [signal('c', 'usage', daysAgo(3), { value: 5 })]), [
      { openedAt: daysAgo(7) },
    ]);
    expect(seen).toEqual({ usage: dayAgo(3), tickets: dayAgo(7) });
    // A day the portfolio already knows stays when earlier, and gives way to the account's when later.
    expect(
      feedsSeen(rollupsFrom('c', [signal('c', 'usage', daysAgo(3), { value: 5 })]), [], {
        usage: dayAgo(2),
        logins: dayAgo(40),
      }),
    ).toEqual({ usage: dayAgo(3), logins: dayAgo(40) });
    expect(earliestFeeds([seen, { usage: dayAgo(9), logins: dayAgo(1) }, undefined])).toEqual({
      usage: dayAgo(9),
      tickets: dayAgo(7),
      logins: dayAgo(1),
    });
  });
});

describe('meetings over the days the data covers', () => {
  it('expects a young account to have held the baseline’s pace of meetings, not half a year’s worth', () => {
    const id = 'young';
    const input: AccountHealthInput = {
      account: { ...account({ id, goLiveDate: dayAgo(59) }), createdAt: daysAgo(59, 6) },
      rollups: rollupsFrom(id, [
        ...usedFor(id, 60),
        signal(id, 'meeting_held', daysAgo(40, 15)),
        signal(id, 'meeting_held', daysAgo(10, 15)),
      ]),
      tickets: [],
    };
    const relationship = component(score(input, cohort), 'relationship');
    const meetings =
      relationship?.status === 'known'
        ? relationship.measures.find((m) => m.measure === 'meetings')
        : undefined;
    const typical = cohort.segments.core?.metrics.meetingsHeld?.value ?? 0;
    const window = defaultConfig.health.windows.relationship;
    expect(meetings?.actual).toBe(2);
    expect(meetings?.expected).toBeCloseTo((typical * 60) / window, 2);
    expect(meetings?.finding).toMatch(/^2 meetings held in 60 days vs /);
  });
});
