import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import { milestoneCheckTimes, milestoneStatus } from '#core/journeys/milestone-status';
import { decideMilestoneCheck } from '#core/journeys/plan';
import { selectPlays } from '#core/journeys/select-plays';
import { account } from '../../support/fixtures.ts';
import { rollupsFrom, signal } from '../health/builders.ts';

const calm = { band: 'green' as const, openEscalation: false, urgentTicket: false };
// ARR 48,000: tier C, the transactional segment (7 grace days in its journey).
const acme = { ...account('acme', { goLiveDate: '2026-01-15' }), createdAt: '', updatedAt: '' };
const at = (day: number) => new Date(Date.parse('2026-01-15T00:00:00Z') + day * 86_400_000);
const loggedInOnDay3 = [{ milestone: 'first_login', day: '2026-01-18' }];

function check(day: number, achievements = loggedInOnDay3) {
  const found = milestoneStatus(defaultConfig, acme, achievements, 'first_login', at(day));
  if (!found) throw new Error('first_login is in the default journey');
  return found;
}

describe('milestone status', () => {
  it('is achieved, late or missed against the due day and the journey grace days', () => {
    expect(check(6).status).toBe('achieved');
    expect(check(6, []).status).toBe('late');
    expect(check(12, []).status).toBe('late');
    expect(check(13, []).status).toBe('missed');
    expect(check(4, []).status).toBe('pending');
    expect(check(6)).toMatchObject({ reachedDay: 3, dueDay: 5, graceDays: 7, nextDueDay: 10 });
  });

  it('schedules a due check the day after the due day and a grace check after the grace days', () => {
    expect(milestoneCheckTimes(defaultConfig, acme).slice(0, 2)).toEqual([
      { milestone: 'first_login', phase: 'due', at: '2026-01-21T00:00:00.000Z' },
      { milestone: 'first_login', phase: 'grace', at: '2026-01-28T00:00:00.000Z' },
    ]);
  });
});

describe('play selection', () => {
  it('congratulates a milestone reached by its due day', () => {
    expect(selectPlays(defaultConfig, check(6), 'due', calm)).toEqual([
      expect.objectContaining({ selected: true, playId: 'congratulate_first_login' }),
    ]);
  });

  it('nudges when the milestone is late', () => {
    expect(selectPlays(defaultConfig, check(6, []), 'due', calm)).toEqual([
      expect.objectContaining({ selected: true, playId: 'nudge_first_login' }),
    ]);
  });

  it('notifies the CSM when the milestone is missed after the grace days', () => {
    expect(selectPlays(defaultConfig, check(13, []), 'grace', calm)).toEqual([
      expect.objectContaining({ selected: true, playId: 'csm_milestone_missed' }),
    ]);
  });

  it('does nothing at the grace check when the milestone was reached meanwhile', () => {
    expect(selectPlays(defaultConfig, check(13), 'grace', calm)).toEqual([]);
  });

  it.each([
    ['red', { ...calm, band: 'red' as const }, 'health is red'],
    ['in escalation', { ...calm, openEscalation: true }, 'an escalation is open'],
    ['with an urgent ticket', { ...calm, urgentTicket: true }, 'an urgent ticket is open'],
  ])('withholds the congratulation from an account %s, with the reason', (_, situation, reason) => {
    expect(selectPlays(defaultConfig, check(6), 'due', situation)).toEqual([
      expect.objectContaining({
        selected: false,
        reason: 'struggling',
        detail: `congratulation withheld: ${reason}`,
      }),
    ]);
  });

  it('congratulates an account whose band is not known yet (too young for a verdict on its use)', () => {
    expect(selectPlays(defaultConfig, check(6), 'due', { ...calm, band: 'unknown' })).toEqual([
      expect.objectContaining({ selected: true, playId: 'congratulate_first_login' }),
    ]);
  });

  it('still nudges a struggling account that is late', () => {
    const red = { ...calm, band: 'red' as const };
    expect(selectPlays(defaultConfig, check(6, []), 'due', red)).toEqual([
      expect.objectContaining({ selected: true, playId: 'nudge_first_login' }),
    ]);
  });

  it('writes to the audience of the play: the admin for a nudge, the CSM for a missed milestone', () => {
    const decide = (day: number, phase: 'due' | 'grace') =>
      decideMilestoneCheck(defaultConfig, {
        account: acme,
        rollups: [],
        situation: calm,
        health: { score: 70, band: 'green', touch: 'low' },
        milestone: 'first_login',
        phase,
        now: new Date(at(day).getTime() + 9 * 3_600_000),
      }).effects.flatMap((e) =>
        e.kind === 'message'
          ? [`${e.message.key.playId} -> ${e.message.recipient.email} (${e.message.audience})`]
          : [],
      );
    expect(decide(6, 'due')).toEqual(['nudge_first_login -> admin@acme.example (contact)']);
    expect(decide(13, 'grace')).toEqual(['csm_milestone_missed -> casey@vendor.example (internal)']);
  });

  it('withholds a congratulation from a struggling account as a not-sent row, with the reason', () => {
    const decision = decideMilestoneCheck(defaultConfig, {
      account: acme,
      rollups: rollupsFrom('acme', [signal('acme', 'login', '2026-01-18T09:00:00Z', { userId: 'ann' })]),
      situation: { ...calm, band: 'red' },
      health: { score: 20, band: 'red', touch: 'low' },
      milestone: 'first_login',
      phase: 'due',
      now: at(6),
    });
    expect(decision.effects).toEqual([
      {
        kind: 'not_sent',
        row: expect.objectContaining({
          reason: 'struggling',
          detail: 'congratulation withheld: health is red',
        }),
      },
    ]);
  });
});

describe('journey config', () => {
  it('accepts the defaults', () => {
    expect(parseConfig(defaultConfig).ok).toBe(true);
  });

  it('names the path when a journey refers to an unknown play, milestone or template', () => {
    const broken = structuredClone(defaultConfig);
    broken.journeys.core = {
      graceDays: 5,
      milestones: [{ milestone: 'first_loginn', onAchieved: ['cheer'], onLate: [], onMissed: [] }],
    };
    const tip = broken.plays.weekly_tip;
    if (tip) tip.template = 'nope';
    expect(parseConfig(broken)).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { path: 'journeys.core.milestones[0].milestone', message: expect.stringContaining('first_loginn') },
        { path: 'journeys.core.milestones[0].onAchieved[0]', message: expect.stringContaining('"cheer"') },
        { path: 'plays.weekly_tip.template', message: expect.stringContaining('"nope"') },
      ]),
    });
  });

  it('rejects a holdout share above 1 and an unknown channel, with the path', () => {
    const broken = structuredClone(defaultConfig) as unknown as {
      plays: Record<string, Record<string, unknown>>;
    };
    const tip = broken.plays.weekly_tip;
    if (tip) {
      tip.holdout = 1.5;
      tip.channel = 'sms';
    }
    const result = parseConfig(broken);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['plays.weekly_tip.holdout', 'plays.weekly_tip.channel']),
    );
  });
});
