import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { classifyJourney } from '#core/health/journey-class';
import { detectMilestones, type MilestoneAchievement } from '#core/health/milestones';
import { stackRank } from '#core/health/stack-rank';
import { account, dayAgo, daysAgo, NOW, rollupsFrom, signal, withConfig } from './builders.ts';

/** Achievements of an account that went live `live` days ago, by days after go-live. */
function reached(live: number, days: Record<string, number>): MilestoneAchievement[] {
  return Object.entries(days).map(([milestone, day]) => ({ milestone, day: dayAgo(live - day) }));
}

const core = (id: string, live: number) => account({ id, arr: 80_000, goLiveDate: dayAgo(live) });

describe('milestone detection', () => {
  it('finds the first day each journey milestone was reached', () => {
    const id = 'acme';
    const rollups = rollupsFrom(id, [
      signal(id, 'login', daysAgo(27), { userId: 'u-1' }),
      signal(id, 'login', daysAgo(20), { userId: 'u-2' }),
      signal(id, 'milestone', daysAgo(22), { attributes: { milestone: 'configuration_complete' } }),
      signal(id, 'value_realized', daysAgo(10), { value: 60 }),
      signal(id, 'value_realized', daysAgo(5), { value: 80 }),
    ]);
    expect(detectMilestones(defaultConfig, rollups)).toEqual([
      { milestone: 'first_login', day: dayAgo(27) },
      { milestone: 'configured', day: dayAgo(22) },
      { milestone: 'value_75', day: dayAgo(5) },
    ]);
  });

  it('keeps an earlier achievement after its rollup has left the lookback', () => {
    const id = 'acme';
    const rollups = rollupsFrom(id, [signal(id, 'login', daysAgo(3), { userId: 'u-1' })]);
    const known = [{ milestone: 'first_login', day: dayAgo(300) }];
    expect(detectMilestones(defaultConfig, rollups, known)).toEqual(known);
  });

  it('finds a milestone measured by a signal other than login on the first day that signal came', () => {
    const config = withConfig(defaultConfig, (draft) => {
      draft.journeyBaseline.milestones.push({
        id: 'first_export',
        label: 'First export',
        dueDay: 20,
        detect: { kind: 'signal', signal: 'feature_used' },
      });
    });
    const id = 'acme';
    const rollups = rollupsFrom(id, [
      signal(id, 'ticket_opened', daysAgo(12), { attributes: { ticketId: 't-1' } }),
      signal(id, 'feature_used', daysAgo(9), { userId: 'u-1', attributes: { feature: 'exports' } }),
      signal(id, 'feature_used', daysAgo(4), { userId: 'u-1', attributes: { feature: 'exports' } }),
    ]);
    expect(detectMilestones(config, rollups)).toEqual([{ milestone: 'first_export', day: dayAgo(9) }]);
  });
});

describe('journey class', () => {
  it('calls an account a Champion when every milestone due so far came well ahead of schedule', () => {
    const standing = classifyJourney(
      defaultConfig,
      core('fast', 30),
      reached(30, { first_login: 2, configured: 6 }),
      NOW,
    );
    expect(standing.journeyClass).toBe('champion');
    expect(standing.reasons).toEqual([
      'First login on day 2, 3 days ahead of day 5',
      'Configuration complete on day 6, 4 days ahead of day 10',
      'EBR 1: 75% of target value not reached yet; due by day 90',
      'EBR 2: 100% of target value not reached yet; due by day 270',
    ]);
  });

  it('calls an account on schedule a Cruiser', () => {
    const standing = classifyJourney(
      defaultConfig,
      core('steady', 30),
      reached(30, { first_login: 5, configured: 9 }),
      NOW,
    );
    expect(standing.journeyClass).toBe('cruiser');
    expect(standing.milestones.map((m) => m.status)).toEqual(['on_time', 'on_time', 'pending', 'pending']);
  });

  it('calls an account a Laggard when it is late for a milestone or has missed one (seed 004: Day 5 / Day 10)', () => {
    const late = classifyJourney(
      defaultConfig,
      core('late', 30),
      reached(30, { first_login: 7, configured: 9 }),
      NOW,
    );
    expect(late.journeyClass).toBe('laggard');
    expect(late.reasons[0]).toBe('First login on day 7, 2 days after day 5');

    const missed = classifyJourney(defaultConfig, core('missed', 12), reached(12, { first_login: 3 }), NOW);
    expect(missed.journeyClass).toBe('laggard');
    expect(missed.reasons[1]).toBe('Configuration complete not reached by day 12; due by day 10');
  });

  it("honours a segment's grace days (tech-touch accounts get 3)", () => {
    const small = account({ id: 'small', arr: 3_000, goLiveDate: dayAgo(30) });
    const standing = classifyJourney(
      defaultConfig,
      small,
      reached(30, { first_login: 7, configured: 12 }),
      NOW,
    );
    expect(standing.segment).toBe('transactional');
    expect(standing.journeyClass).toBe('cruiser');
  });

  it("honours a segment's own due days (Strategic reaches 75% of value by day 120)", () => {
    const onboarded = { first_login: 5, configured: 10 };
    const strategic = account({ id: 'big', arr: 900_000, goLiveDate: dayAgo(100) });
    expect(classifyJourney(defaultConfig, strategic, reached(100, onboarded), NOW).journeyClass).toBe(
      'cruiser',
    );
    expect(classifyJourney(defaultConfig, core('mid', 100), reached(100, onboarded), NOW).journeyClass).toBe(
      'laggard',
    );
  });

  it('ignores achievements dated after now', () => {
    const future = [{ milestone: 'first_login', day: '2026-07-02' }];
    const standing = classifyJourney(defaultConfig, core('soon', 3), future, NOW);
    expect(standing.milestones[0]).toMatchObject({ reachedDay: null, status: 'pending' });
  });
});

describe('stack rank', () => {
  it('ranks accounts within their segment: Champions, then Cruisers, then Laggards, faster pace first', () => {
    const standings = [
      classifyJourney(defaultConfig, core('late', 30), reached(30, { first_login: 9, configured: 12 }), NOW),
      classifyJourney(
        defaultConfig,
        core('steady', 30),
        reached(30, { first_login: 5, configured: 10 }),
        NOW,
      ),
      classifyJourney(defaultConfig, core('fast', 30), reached(30, { first_login: 1, configured: 4 }), NOW),
      classifyJourney(defaultConfig, core('faster', 30), reached(30, { first_login: 0, configured: 2 }), NOW),
      classifyJourney(
        defaultConfig,
        account({ id: 'small', arr: 3_000, goLiveDate: dayAgo(30) }),
        reached(30, { first_login: 1 }),
        NOW,
      ),
    ];
    const ranked = stackRank(standings).map((s) => [s.segment, s.accountId, s.journeyClass, s.rank, s.of]);
    expect(ranked).toEqual([
      ['core', 'faster', 'champion', 1, 4],
      ['core', 'fast', 'champion', 2, 4],
      ['core', 'steady', 'cruiser', 3, 4],
      ['core', 'late', 'laggard', 4, 4],
      ['transactional', 'small', 'laggard', 1, 1],
    ]);
  });
});

describe('established accounts (issue 15 item 5: onboarding before the data began)', () => {
  const established = core('old', 400);
  const since = dayAgo(200);

  it('are not Laggards for milestones the data could never have seen: they are classed by health', () => {
    const healthy = classifyJourney(defaultConfig, established, [], NOW, {
      dataSince: since,
      health: { score: 92, band: 'green' },
    });
    expect(healthy.judgedBy).toBe('health');
    expect(healthy.journeyClass).toBe('champion');
    expect(healthy.reasons[0]).toMatch(/went live on .* before the data began/);

    const fair = classifyJourney(defaultConfig, established, [], NOW, {
      dataSince: since,
      health: { score: 72, band: 'green' },
    });
    expect(fair.journeyClass).toBe('cruiser');
    const weak = classifyJourney(defaultConfig, established, [], NOW, {
      dataSince: since,
      health: { score: 30, band: 'red' },
    });
    expect(weak.journeyClass).toBe('laggard');
    const unscored = classifyJourney(defaultConfig, established, [], NOW, {
      dataSince: since,
      health: { score: null, band: 'unknown' },
    });
    expect(unscored.journeyClass).toBe('cruiser');
  });

  it('judges an account the data saw go live against each milestone, as before', () => {
    const fresh = core('fresh', 30);
    const standing = classifyJourney(
      defaultConfig,
      fresh,
      reached(30, { first_login: 9, configured: 12 }),
      NOW,
      {
        dataSince: dayAgo(31),
        health: { score: 95, band: 'green' },
      },
    );
    expect(standing.judgedBy).toBe('milestones');
    expect(standing.journeyClass).toBe('laggard');
  });

  it('stack-ranks established accounts by health within their class', () => {
    const standing = (id: string, score: number) =>
      classifyJourney(defaultConfig, core(id, 400), [], NOW, {
        dataSince: since,
        health: { score, band: score >= 70 ? 'green' : score >= 50 ? 'yellow' : 'red' },
      });
    const ranked = stackRank([standing('b', 88), standing('a', 96), standing('c', 40)]).map((s) => [
      s.accountId,
      s.journeyClass,
      s.rank,
    ]);
    expect(ranked).toEqual([
      ['a', 'champion', 1],
      ['b', 'champion', 2],
      ['c', 'laggard', 3],
    ]);
  });
});
