import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Effect } from '#core/effects/effect';
import type { AccountView } from '#core/workflows/account-view';
import { accountFacts } from '#core/workflows/evidence';
import { decideDeadline, decideRiskCheck } from '#core/workflows/risk-decisions';
import type { RiskRecord } from '#core/workflows/risk-record';
import { daysAgo, NOW, trail, view } from './view.ts';

const check = { at: NOW.toISOString(), cause: 'health.2026-06-10', origin: 'daily health pass' };
const kinds = (effects: readonly Effect[]) => effects.map((e) => e.kind);
const messages = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
const sponsorGone = {
  ...accountFacts([], [], NOW),
  firstDataDay: '2025-06-01',
  sponsorLeftAt: daysAgo(1),
  daysSinceSponsorLeft: 1,
};

describe('opening a risk', () => {
  it('opens tier 1 with its deadline, and tells the CSM at once what happened, why, what to do and how to ack', () => {
    // Prepare: a low-touch account red for four days.
    const red = view({ band: 'red', touch: 'low', trail: trail([40, 40, 'yellow'], [3, 30, 'red']) });
    // Act
    const { effects } = decideRiskCheck(defaultConfig, red, check);
    // Assess
    expect(kinds(effects)).toEqual(['open_risk', 'timeline', 'message', 'set_timer', 'message']);
    const opened = effects[0];
    expect(opened?.kind === 'open_risk' && opened.risk).toMatchObject({
      tier: 1,
      primaryCause: 'low_adoption',
      strategy: 'recover',
      reasons: ['health has been red for 4 days'],
      ackDeadline: '2026-06-17T05:00:00.000Z',
    });
    const [notice, play] = messages(effects);
    expect(notice).toMatchObject({ audience: 'internal', urgency: 'immediate', recipient: { role: 'csm' } });
    const text = notice?.content.kind === 'composed' ? notice.content.text : '';
    expect(text).toContain('Why:\n- health has been red for 4 days');
    expect(text).toContain('What to do:\n- Book a success-plan reset with the sponsor within 7 days.');
    expect(text).toContain('How to acknowledge:\n- by 2026-06-17, or it goes to tier 2:');
    expect(text).toMatch(/\/v1\/risks\/r\.[^/]+\/ack/);
    // Recover: the success-plan reset goes to the sponsor, through restraint, retried by the risk if deferred.
    expect(play).toMatchObject({
      audience: 'contact',
      playId: 'success_plan_reset',
      recipient: { id: 'acme-sponsor' },
      retry: { kind: 'risk_check', payload: { step: 'outreach' } },
    });
    // Everything after the opening applies only if this opening won (a racing check opens nothing twice).
    expect(effects.slice(1).every((e) => e.requires?.status === 'open' && e.requires.tier === 1)).toBe(true);
  });

  it('takes an overdue review as evidence: the risk of a red account whose last review went unreported is a weak relationship', () => {
    // Prepare: red for four days; its health check of 10 May has no outcome a month on.
    const unreported = {
      reviewId: 'cadence.health_check.20260510',
      accountId: 'acme',
      reviewKind: 'health_check' as const,
      status: 'scheduled' as const,
      scheduledAt: daysAgo(45),
      startsAt: daysAgo(31),
      invitedTo: [],
      programme: 'health_check',
    };
    const red = (reviews: AccountView['reviews']) =>
      view({ band: 'red', touch: 'low', trail: trail([40, 40, 'yellow'], [3, 30, 'red']), reviews });
    const cause = (reviews: AccountView['reviews']) => {
      const opened = decideRiskCheck(defaultConfig, red(reviews), check).effects[0];
      return opened?.kind === 'open_risk' ? opened.risk.primaryCause : null;
    };
    // Act, Assess: overdue, it makes the cause relationship_weak; held, the cause stays low_adoption.
    expect(cause([unreported])).toBe('relationship_weak');
    expect(cause([{ ...unreported, status: 'missed' }])).toBe('relationship_weak');
    expect(cause([{ ...unreported, status: 'held' }])).toBe('low_adoption');
  });

  it('brings the manager in at once for a rescue, and sets the CSM a weekly update until it closes', () => {
    const crisis = view({
      touch: 'low',
      facts: {
        ...accountFacts([], [], NOW),
        firstDataDay: '2025-06-01',
        urgentTicketsOpen: true,
        oldestUrgentTicketOpenedAt: daysAgo(5),
      },
    });
    const { effects } = decideRiskCheck(defaultConfig, crisis, check);
    expect(messages(effects).map((m) => m.recipient.role)).toEqual(['csm', 'manager']);
    expect(
      effects.filter((e) => e.kind === 'set_timer').map((e) => e.kind === 'set_timer' && e.timer.ref),
    ).toEqual([expect.stringMatching(/\.T1$/), expect.stringMatching(/\.update$/)]);
    // The update timer comes back to this risk as an update step, a week on (the timer names what it is for).
    const opened = effects[0];
    const riskId = opened?.kind === 'open_risk' ? opened.risk.riskId : '';
    const update = effects.find((e) => e.kind === 'set_timer' && e.timer.ref.endsWith('.update'));
    expect(update?.kind === 'set_timer' && update.timer).toMatchObject({
      kind: 'risk_check',
      payload: { step: 'update', riskId },
      dueAt: '2026-06-17T05:00:00.000Z',
    });
  });

  it('asks no CSM time for a farewell: no deadline, an FYI in the daily notice mail', () => {
    const cut = view({
      touch: 'low',
      facts: {
        ...accountFacts([], [], NOW),
        firstDataDay: '2025-06-01',
        contractReductionRequested: true,
        contractReductionAt: NOW.toISOString(),
      },
    });
    const { effects } = decideRiskCheck(defaultConfig, cut, check);
    expect(kinds(effects)).not.toContain('set_timer');
    expect(messages(effects)).toEqual([
      expect.objectContaining({ urgency: 'routine', audience: 'internal' }),
    ]);
  });

  it('reads csmTask of every strategy: a Recover that asks no CSM task sets no deadline, and vice versa', () => {
    const red = view({ band: 'red', touch: 'low', trail: trail([40, 40, 'yellow'], [3, 30, 'red']) });
    const strategies = defaultConfig.escalation.strategies;
    const noTask = {
      ...defaultConfig,
      escalation: {
        ...defaultConfig.escalation,
        strategies: { ...strategies, recover: { ...strategies.recover, csmTask: false } },
      },
    };
    const { effects } = decideRiskCheck(noTask, red, check);
    expect(kinds(effects)).not.toContain('set_timer');
    expect(messages(effects)[0]).toMatchObject({ urgency: 'routine', recipient: { role: 'csm' } });
    const cut = view({
      touch: 'low',
      facts: {
        ...accountFacts([], [], NOW),
        firstDataDay: '2025-06-01',
        contractReductionRequested: true,
        contractReductionAt: NOW.toISOString(),
      },
    });
    const farewellTask = {
      ...defaultConfig,
      escalation: {
        ...defaultConfig.escalation,
        strategies: { ...strategies, farewell: { ...strategies.farewell, csmTask: true } },
      },
    };
    expect(kinds(decideRiskCheck(farewellTask, cut, check).effects)).toContain('set_timer');
  });

  it('gives a tech-touch account whose sponsor left a digital play to its admins and tells the pooled queue', () => {
    const tiny = view({ touch: 'tech', facts: sponsorGone });
    const sent = messages(decideRiskCheck(defaultConfig, tiny, check).effects);
    expect(sent.map((m) => `${m.playId ?? 'notice'} -> ${m.recipient.email}`)).toEqual([
      'notice -> cs-queue@churnguard.example',
      'ask_new_owner -> ada@acme.example',
    ]);
  });
});

const openRisk = (overrides: Partial<RiskRecord> = {}): RiskRecord => ({
  riskId: 'r.YWNtZQ.202605010500',
  accountId: 'acme',
  region: 'EMEA',
  arr: 48_000,
  currency: 'EUR',
  status: 'open',
  tier: 1,
  openedAt: '2026-05-01T05:00:00.000Z',
  primaryCause: 'low_adoption',
  secondaryCause: null,
  strategy: 'recover',
  reasons: ['health has been red for 3 days'],
  triggers: ['red_streak'],
  ackDeadline: '2026-05-08T05:00:00.000Z',
  acknowledgedAt: null,
  ackNote: null,
  acknowledgedBy: null,
  scoreAtTier: 30,
  closedAt: null,
  closeReason: null,
  causeOverriddenBy: null,
  ...overrides,
});

describe('closing a risk', () => {
  it('closes once health held at least yellow for the configured days and no trigger holds', () => {
    const recovered = view({
      band: 'green',
      openRisk: openRisk(),
      trail: trail([30, 30, 'red'], [15, 60, 'yellow']),
    });
    const { effects } = decideRiskCheck(defaultConfig, recovered, check);
    expect(kinds(effects)).toEqual([
      'close_risk',
      'timeline',
      'cancel_timer',
      'cancel_timer',
      'cancel_timer',
      'message',
    ]);
    expect(messages(effects)[0]).toMatchObject({ urgency: 'routine', recipient: { role: 'csm' } });
  });

  it('keeps it open while recovering, and says for how long it has held', () => {
    const recovering = view({
      band: 'green',
      openRisk: openRisk(),
      trail: trail([30, 30, 'red'], [10, 60, 'yellow']),
    });
    const { effects } = decideRiskCheck(defaultConfig, recovering, check);
    expect(effects).toEqual([
      expect.objectContaining({
        kind: 'timeline',
        entry: expect.objectContaining({ why: 'recovering: green for 10 of 14 days' }),
      }),
    ]);
  });
});

describe('tier deadlines (seed 002)', () => {
  const deadline = { riskId: openRisk().riskId, tier: 1, at: '2026-05-08T05:00:00.000Z', cause: 'c' };

  it('raises an unacknowledged risk to tier 2 and tells the manager and the CSM', () => {
    const { effects } = decideDeadline(defaultConfig, view({ touch: 'low', openRisk: openRisk() }), deadline);
    expect(kinds(effects)).toEqual(['raise_risk', 'timeline', 'set_timer', 'message', 'message']);
    expect(messages(effects).map((m) => m.recipient.role)).toEqual(['manager', 'csm']);
  });

  it('holds a tech-touch risk at tier 1: no manager, no cross-functional review', () => {
    const { effects } = decideDeadline(
      defaultConfig,
      view({ touch: 'tech', openRisk: openRisk() }),
      deadline,
    );
    expect(effects).toEqual([
      expect.objectContaining({
        kind: 'timeline',
        entry: expect.objectContaining({ action: 'risk_held', why: expect.stringContaining('tech-touch') }),
      }),
    ]);
  });

  it('holds an acknowledged risk whose health improved by the configured points', () => {
    const acknowledged = openRisk({ acknowledgedAt: '2026-05-03T10:00:00Z' });
    const improving = view({ touch: 'low', score: 36, band: 'red', openRisk: acknowledged });
    expect(kinds(decideDeadline(defaultConfig, improving, deadline).effects)).toEqual(['timeline']);
    const flat = view({ touch: 'low', score: 33, band: 'red', openRisk: acknowledged });
    expect(kinds(decideDeadline(defaultConfig, flat, deadline).effects)[0]).toBe('raise_risk');
  });

  it('does nothing at the deadline of a risk since closed or raised, and says so in its summary', () => {
    const moved = { summary: 'risk closed or already moved on', effects: [] };
    expect(decideDeadline(defaultConfig, view({ touch: 'low' }), deadline)).toEqual(moved);
    const raised = view({ touch: 'low', openRisk: openRisk({ tier: 2 }) });
    expect(decideDeadline(defaultConfig, raised, deadline)).toEqual(moved);
  });
});
