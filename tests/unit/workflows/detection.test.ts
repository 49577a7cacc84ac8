import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { detectRisk, redDays } from '#core/workflows/detect';
import { accountFacts } from '#core/workflows/evidence';
import { deriveRootCauses, strategyFor } from '#core/workflows/risks';
import { daysAgo, NOW, trail } from './view.ts';

const policy = defaultConfig.escalation.detection;
const calm = { ...accountFacts([], [], NOW), firstDataDay: '2025-01-01' };
const detect = (input: Partial<Parameters<typeof detectRisk>[1]>) =>
  detectRisk(policy, {
    segment: 'core',
    goLiveDate: '2025-01-01',
    score: 85,
    band: 'green',
    trail: [],
    facts: calm,
    now: NOW,
    ...input,
  }).map((t) => t.id);

describe('risk detection on any day of the contract (seed 002)', () => {
  it('opens after red on the configured number of consecutive days, not before', () => {
    // Prepare: red since the morning two days ago (three calendar days with today), then only since yesterday.
    const redThreeDays = trail([30, 80, 'green'], [2, 30, 'red']);
    const redTwoDays = trail([30, 80, 'green'], [1, 30, 'red']);
    // Assess
    expect(redDays(redThreeDays, 'red', NOW)).toBe(3);
    expect(detect({ band: 'red', score: 30, trail: redThreeDays })).toContain('red_streak');
    expect(detect({ band: 'red', score: 30, trail: redTwoDays })).not.toContain('red_streak');
    // Strategic accounts warrant an earlier look: two days are enough there.
    expect(detect({ segment: 'strategic', band: 'red', score: 30, trail: redTwoDays })).toContain(
      'red_streak',
    );
  });

  it("does not escalate a champion's one-week dip that is over", () => {
    // Prepare: a champion red for two days of a holiday week, green again since.
    const dip = trail([40, 90, 'green'], [9, 45, 'red'], [7, 88, 'green']);
    // Act / Assess: not red now, no fall against its own history.
    expect(detect({ band: 'green', score: 88, trail: dip })).toEqual([]);
  });

  it('waits for 30 days of data before a red score counts: a new account, or one just imported', () => {
    const red = trail([5, 30, 'red']);
    expect(detect({ goLiveDate: daysAgo(10).slice(0, 10), band: 'red', score: 30, trail: red })).toEqual([]);
    expect(detect({ goLiveDate: daysAgo(40).slice(0, 10), band: 'red', score: 30, trail: red })).toEqual([
      'red_streak',
    ]);
    // Live for years, but churnguard has had its data for ten days: the 30-day window is a third full.
    const imported = { ...calm, firstDataDay: daysAgo(10).slice(0, 10) };
    expect(detect({ band: 'red', score: 30, trail: red, facts: imported })).toEqual([]);
  });

  it('sees a steep fall against the account’s own recent history', () => {
    expect(detect({ score: 60, band: 'yellow', trail: trail([40, 85, 'green'], [1, 60, 'yellow']) })).toEqual(
      ['steep_fall'],
    );
    expect(detect({ score: 75, band: 'green', trail: trail([40, 85, 'green'], [1, 75, 'green']) })).toEqual(
      [],
    );
  });

  it('names the critical facts: sponsor gone, contract cut, repeated payment failures, weak relationship', () => {
    const facts = {
      ...calm,
      sponsorLeftAt: daysAgo(2),
      daysSinceSponsorLeft: 2,
      contractReductionRequested: true,
      contractReductionAt: daysAgo(4),
      paymentFailures: [
        { day: daysAgo(20).slice(0, 10), count: 1 },
        { day: daysAgo(3).slice(0, 10), count: 1 },
      ],
      relationshipScore: 4,
      relationshipScoredOn: daysAgo(6).slice(0, 10),
      oldestUrgentTicketOpenedAt: daysAgo(5),
      urgentTicketsOpen: true,
    };
    expect(detect({ facts })).toEqual([
      'sponsor_left',
      'contract_cut',
      'payment_failures',
      'weak_relationship',
      'urgent_ticket',
    ]);
    // What a closed risk already dealt with does not open another: only what happened since counts.
    expect(detect({ facts, since: daysAgo(3) })).toEqual(['sponsor_left']);
    // One payment failure, or one older than the window, is not "repeated".
    expect(
      detect({ facts: { ...calm, paymentFailures: [{ day: daysAgo(3).slice(0, 10), count: 1 }] } }),
    ).toEqual([]);
  });
});

describe('root causes and strategy', () => {
  it('finds the weak relationship of seed 001 as the cause, a shared fix (Recover)', () => {
    const evidence = {
      usageBelowBaseline: false,
      milestonesMissed: false,
      ticketsDragging: false,
      urgentTickets: false,
      sponsorLeft: false,
      meetingsMissed: false,
      relationshipScore: 4,
      valueBelowTarget: false,
      contractReductionRequested: false,
      paymentFailed: false,
    };
    const causes = deriveRootCauses(evidence);
    expect(causes).toEqual({ primary: 'relationship_weak', secondary: null });
    expect(strategyFor(causes.primary, defaultConfig.escalation)).toBe('recover');
    expect(strategyFor('support_issues', defaultConfig.escalation)).toBe('rescue');
    expect(strategyFor('price_pressure', defaultConfig.escalation)).toBe('farewell');
  });
});
