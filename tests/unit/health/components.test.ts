import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { computeBaselines } from '#core/health/baselines';
import { journeyBaselineFor, valueTargetAt } from '#core/health/journey-baseline';
import { scoreAccount } from '#core/health/score';
import type { ComponentSnapshot, Measure, ScoringInput } from '#core/health/types';
import type { ComponentId } from '#core/health/vocabulary';
import type { TicketState } from '#core/rollup';
import type { Signal } from '#core/signals';
import {
  account,
  activity,
  dayAgo,
  daysAgo,
  NOW,
  openTicket,
  rollupsFrom,
  signal,
  withConfig,
} from './builders.ts';

/** Defaults only (no cohort), so the expected values are the documented Core defaults. */
const defaults = computeBaselines(defaultConfig, [], NOW);

/** Components judged from an account's first day, for what each does with a young account's data. */
const fromDayOne = withConfig(defaultConfig, (draft) => {
  if (draft.health.measures) draft.health.measures.minimumDataDays = 0;
});

function score(signals: Signal[], options: { tickets?: TicketState[]; live?: number; arr?: number } = {}) {
  const input: ScoringInput = {
    account: account({ goLiveDate: dayAgo(options.live ?? 400), arr: options.arr ?? 80_000 }),
    rollups: rollupsFrom('acme', signals),
    tickets: options.tickets ?? [],
  };
  return scoreAccount(fromDayOne, input, defaults, NOW);
}

function part(
  signals: Signal[],
  id: ComponentId,
  options: Parameters<typeof score>[1] = {},
): ComponentSnapshot {
  const found = score(signals, options).components.find((c) => c.component === id);
  if (!found) throw new Error(`no ${id} component`);
  return found;
}

function measure(component: ComponentSnapshot, name: string): Measure | undefined {
  return component.status === 'known' ? component.measures.find((m) => m.measure === name) : undefined;
}

describe('engagement', () => {
  it('is unknown, not zero, when the product has never sent a signal', () => {
    const engagement = part([], 'engagement');
    expect(engagement).toMatchObject({ status: 'unknown', score: null });
    expect(engagement.status === 'unknown' && engagement.reason).toContain('is the product feed connected?');
  });

  it('is zero when an account that used the product has gone quiet for the whole window', () => {
    const earlier = [signal('acme', 'login', daysAgo(60), { userId: 'u-1' })];
    const engagement = part(earlier, 'engagement');
    expect(engagement.score).toBe(0);
    expect(measure(engagement, 'logins')?.finding).toBe(
      'no logins in the last 30 days (Core baseline: 8 a day)',
    );
  });

  it('judges a young account over the days it has been live', () => {
    // Live 9 days ago: its go-live day and the nine since, today included, are the 10 days of its data.
    const engagement = part(activity('acme', { loginsPerDay: 8, days: 10 }), 'engagement', { live: 9 });
    // At the baseline: 90 on the default scale (health.measures.scale), which keeps 90-100 for use above it.
    expect(measure(engagement, 'logins')).toMatchObject({ actual: 8, score: 90 });
    expect(measure(engagement, 'logins')?.finding).toBe('logins in line with the Core baseline over 10 days');
  });

  it('skips usage where the segment has no usage baseline, rather than guessing a unit', () => {
    const engagement = part(activity('acme'), 'engagement');
    expect(engagement.status === 'known' && engagement.measures.map((m) => m.measure)).toEqual([
      'logins',
      'activeUsers',
    ]);
  });
});

describe('adoption breadth', () => {
  it('counts distinct features used in the window against the segment', () => {
    const adoption = part(activity('acme', { features: 3 }), 'adoption');
    expect(adoption).toMatchObject({ status: 'known', score: 50 });
    expect(measure(adoption, 'features')?.finding).toBe(
      '3 features used in 30 days vs 6 for healthy Core accounts',
    );
  });

  it('is unknown without any feature telemetry', () => {
    expect(part(activity('acme', { features: 0 }), 'adoption').status).toBe('unknown');
  });
});

describe('support burden', () => {
  it('counts open, dragging and urgent tickets, and ignores closed ones', () => {
    const tickets: TicketState[] = [
      openTicket('acme', 'old', 30),
      openTicket('acme', 'urgent', 1, 'urgent'),
      { accountId: 'acme', ticketId: 'done', openedAt: daysAgo(40), closedAt: daysAgo(35) },
    ];
    const support = part([], 'support', { tickets });
    expect(measure(support, 'openTickets')).toMatchObject({ actual: 2, expected: 1 });
    expect(measure(support, 'staleTickets')?.finding).toBe('1 ticket open longer than 14 days');
    expect(measure(support, 'urgentTickets')?.finding).toBe('1 urgent ticket open');
  });

  it('sees a ticket the rollups know of before its ticket state does', () => {
    const opened = signal('acme', 'ticket_opened', daysAgo(20), {
      attributes: { ticketId: 'z-1', priority: 'urgent' },
    });
    const support = part([opened], 'support');
    expect(measure(support, 'openTickets')?.actual).toBe(1);
    expect(measure(support, 'urgentTickets')?.actual).toBe(1);
    expect(measure(support, 'staleTickets')?.actual).toBe(1);
  });

  it('does not read one ticket in a first week as a flood', () => {
    const support = part([], 'support', { live: 5, tickets: [openTicket('acme', 'early', 2)] });
    expect(measure(support, 'ticketRate')).toMatchObject({ actual: 1, score: 100 });
  });

  it('scores a quiet help desk as no burden', () => {
    expect(part([], 'support')).toMatchObject({ status: 'known', score: 100 });
  });
});

describe('sentiment', () => {
  it('weighs a recent answer more than an old one', () => {
    const answers = [
      signal('acme', 'nps', daysAgo(2), { value: 10 }),
      signal('acme', 'nps', daysAgo(120), { value: 0 }),
    ];
    const nps = measure(part(answers, 'sentiment'), 'nps');
    // Half-life 60 days: weights 0.98 and 0.25, so 7.96 where a plain mean would say 5.
    expect(nps?.actual).toBeCloseTo(7.96, 2);
    expect(nps?.finding).toBe('NPS averaging 8 vs 8 for healthy Core accounts (recent answers count most)');
  });

  it('measures CSAT from the bottom of its 1-5 scale', () => {
    const sentiment = part([signal('acme', 'csat', daysAgo(3), { value: 1 })], 'sentiment');
    expect(sentiment).toMatchObject({ status: 'known', score: 0 });
  });

  it('forgets answers older than the window', () => {
    expect(part([signal('acme', 'nps', daysAgo(200), { value: 2 })], 'sentiment').status).toBe('unknown');
  });
});

describe('relationship', () => {
  it('takes the sponsor from the contacts when no sponsor signal arrived', () => {
    expect(measure(part([], 'relationship'), 'sponsor')).toMatchObject({
      score: 100,
      finding: 'sponsor in place',
    });
  });

  it('scores zero for a departed sponsor and says when they left', () => {
    const left = signal('acme', 'sponsor_left', daysAgo(12));
    expect(measure(part([left], 'relationship'), 'sponsor')).toMatchObject({
      score: 0,
      finding: 'sponsor left 12 days ago',
    });
  });

  it('gives a new sponsor no full credit until they have a track record', () => {
    const events = [
      signal('acme', 'sponsor_left', daysAgo(40)),
      signal('acme', 'sponsor_joined', daysAgo(20)),
    ];
    expect(measure(part(events, 'relationship'), 'sponsor')).toMatchObject({
      score: 60,
      finding: 'new sponsor joined 20 days ago; no track record yet',
    });
  });

  it('reads a departure and an arrival at the same instant as a departure', () => {
    const at = daysAgo(5);
    const events = [signal('acme', 'sponsor_joined', at), signal('acme', 'sponsor_left', at)];
    expect(measure(part(events, 'relationship'), 'sponsor')?.score).toBe(0);
  });

  it('counts missed meetings against the ones held', () => {
    const events = [
      signal('acme', 'meeting_held', daysAgo(10)),
      signal('acme', 'meeting_held', daysAgo(40)),
      signal('acme', 'meeting_missed', daysAgo(70)),
    ];
    const meetings = measure(part(events, 'relationship'), 'meetings');
    expect(meetings?.finding).toBe('1 of 3 meetings missed in 180 days');
    expect(meetings?.score).toBeCloseTo((2 / 3) * (200 / 3), 1);
  });

  it('compares the relationship scorecard with healthy accounts (seed 001: 4/10)', () => {
    const scorecard = measure(
      part([signal('acme', 'relationship_score', daysAgo(3), { value: 4 })], 'relationship'),
      'scorecard',
    );
    expect(scorecard?.finding).toBe('relationship scorecard 4/10 vs 7 for healthy Core accounts');
  });

  it('does not expect a sponsor where healthy accounts of the segment seldom have one', () => {
    const sparse = computeBaselines(defaultConfig, [], NOW);
    const transactional = sparse.segments.transactional;
    if (transactional) {
      transactional.metrics.sponsorShare = { value: 0.3, source: 'cohort', sampleSize: 10 };
      transactional.metrics.relationshipScore = { value: 7, source: 'cohort', sampleSize: 10 };
    }
    const input: ScoringInput = {
      account: account({ arr: 5_000, contacts: [] }),
      rollups: rollupsFrom('acme', [signal('acme', 'relationship_score', daysAgo(3), { value: 9 })]),
      tickets: [],
    };
    const relationship = scoreAccount(defaultConfig, input, sparse, NOW).components.find(
      (c) => c.component === 'relationship',
    );
    expect(relationship?.status === 'known' && relationship.measures.map((m) => m.measure)).toEqual([
      'scorecard',
    ]);
  });
});

describe('outcomes', () => {
  it('compares value realised with the journey target for the account age', () => {
    const value = signal('acme', 'value_realized', daysAgo(1), { value: 30 });
    const outcomes = part([value], 'outcomes', { live: 60 });
    expect(measure(outcomes, 'value')).toMatchObject({ expected: 50, score: 60, expectedFrom: 'journey' });
    expect(measure(outcomes, 'value')?.finding).toBe('value realised 30% vs 50% expected by day 60');
  });

  it('follows the seed 004 curve and a segment override of it', () => {
    const core = journeyBaselineFor(defaultConfig, 'core');
    expect([0, 45, 90, 180, 270, 400].map((day) => valueTargetAt(core, day))).toEqual([
      0, 37.5, 75, 87.5, 100, 100,
    ]);
    const strategic = journeyBaselineFor(defaultConfig, 'strategic');
    expect(valueTargetAt(strategic, 120)).toBe(75);
  });

  it('is unknown before go-live, when there is no target yet', () => {
    const value = signal('acme', 'value_realized', daysAgo(1), { value: 10 });
    const outcomes = part([value], 'outcomes', { live: 0 });
    expect(outcomes.status === 'unknown' && outcomes.reason).toContain('not live yet');
  });
});
