import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfigOverrides } from '#config/file';
import type { Config } from '#config/schema';
import type { Effect, MessageDraft } from '#core/effects/effect';
import type { Candidate } from '#core/journeys/messages';
import { type RestraintState, restrain } from '#core/journeys/restraint';
import { nextTipTimer, tipDay, tipTimer } from '#core/journeys/tip-cadence';
import { adoptedFeatures, chooseTip } from '#core/journeys/tip-choice';
import { decideTip, type TipInput } from '#core/journeys/tip-plan';
import { account } from '../../support/fixtures.ts';
import { rollupsFrom, signal } from '../health/builders.ts';
import { state } from './builders.ts';

// ARR 48,000: tier C, the transactional segment, whose default cadence is a tip every 7 days from day 14.
const small = {
  ...account('small', {
    goLiveDate: '2026-01-15',
    contacts: [
      { id: 'small-admin', email: 'admin@small.example', name: 'Ada Admin', role: 'admin', timezone: 'UTC' },
      { id: 'small-user', email: 'user@small.example', name: 'Uma User', role: 'user', timezone: 'UTC' },
      {
        id: 'small-sponsor',
        email: 'sp@small.example',
        name: 'Sam Sponsor',
        role: 'sponsor',
        timezone: 'UTC',
      },
    ],
  }),
};
// ARR 400,000: the core segment, which has a CSM and no tips by default.
const core = account('core', {
  arr: 400_000,
  contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 400_000 },
});
const day = (n: number, hour = 0) =>
  new Date(Date.parse('2026-01-15T00:00:00Z') + n * 86_400_000 + hour * 3_600_000);
const calm = { band: 'green' as const, openEscalation: false, urgentTicket: false };

function input(overrides: Partial<TipInput> = {}): TipInput {
  return {
    account: small,
    rollups: [],
    situation: calm,
    health: { score: 82, band: 'green' },
    churned: false,
    occurrence: 0,
    day: '2026-01-29',
    now: day(14),
    scheduleNext: true,
    ...overrides,
  };
}

const messages = (effects: readonly Effect[]): MessageDraft[] =>
  effects.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
const timersSet = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === 'set_timer' ? [e.timer] : []));

function withCadence(tips: unknown): Config {
  const parsed = parseConfigOverrides({ journeys: { transactional: { tips } } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

describe('tip cadence', () => {
  it('is on by default for the tech-touch transactional segment only', () => {
    expect(defaultConfig.journeys.transactional?.tips).toEqual({
      play: 'weekly_tip',
      everyDays: 7,
      startDay: 14,
      endDay: null,
    });
    expect(defaultConfig.journeys.core?.tips).toBeUndefined();
    expect(defaultConfig.journeys.strategic?.tips).toBeUndefined();
    expect(nextTipTimer(defaultConfig, core, day(20))).toBeNull();
  });

  it('schedules the first tip on the start day, when quiet hours end for its contacts, and the next one after now', () => {
    expect(nextTipTimer(defaultConfig, small, day(0))).toEqual({
      kind: 'journey_tip',
      accountId: 'small',
      ref: 'tip',
      dueAt: '2026-01-29T08:00:00.000Z',
      payload: { occurrence: 0, day: '2026-01-29' },
    });
    // Before 08:00 on the tip's day its tip is still ahead; at the very time of a tip the next one is the one
    // after it; a day later, too.
    expect(nextTipTimer(defaultConfig, small, day(14, 7))?.payload).toEqual({
      occurrence: 0,
      day: '2026-01-29',
    });
    expect(nextTipTimer(defaultConfig, small, day(14, 8))?.payload).toEqual({
      occurrence: 1,
      day: '2026-02-05',
    });
    expect(nextTipTimer(defaultConfig, small, day(15, 9))?.payload).toEqual({
      occurrence: 1,
      day: '2026-02-05',
    });
    expect(nextTipTimer(defaultConfig, small, day(400))?.payload.occurrence).toBe(56);
  });

  it('stops at the end day when the cadence has one', () => {
    const config = withCadence({ play: 'weekly_tip', everyDays: 10, startDay: 30, endDay: 60 });
    const cadence = config.journeys.transactional?.tips;
    if (!cadence) throw new Error('cadence expected');
    expect([0, 1, 2, 3].map((n) => tipDay(cadence, n))).toEqual([30, 40, 50, 60]);
    expect(tipDay(cadence, 4)).toBeNull();
    expect(tipTimer(config, small, 4)).toBeNull();
    expect(nextTipTimer(config, small, day(61))).toBeNull();
    expect(nextTipTimer(config, small, day(55))?.payload).toEqual({ occurrence: 3, day: '2026-03-16' });
  });
});

describe('tip configuration is refused with the field and the reason', () => {
  /** The errors of the default config with a file's overrides laid over it. */
  const errorsFor = (overrides: unknown) => {
    const parsed = parseConfigOverrides(overrides);
    return parsed.ok ? [] : parsed.errors;
  };
  const cadence = (tips: unknown) => ({ journeys: { transactional: { tips } } });

  it('an end day before the start day, a zero interval, an unknown field', () => {
    expect(
      errorsFor(cadence({ play: 'weekly_tip', everyDays: 0, startDay: 30, endDay: 40, often: true })),
    ).toEqual(
      expect.arrayContaining([
        { path: 'journeys.transactional.tips.everyDays', message: 'must be a whole number from 1 to 365' },
        expect.objectContaining({
          path: 'journeys.transactional.tips',
          message: expect.stringContaining('often'),
        }),
      ]),
    );
    expect(errorsFor(cadence({ startDay: 30, endDay: 20 }))).toEqual([
      {
        path: 'journeys.transactional.tips.endDay',
        message: 'must be null (the whole contract) or a day on or after startDay',
      },
    ]);
  });

  it('a cadence naming a missing play, a play of another kind, or a CSM notice', () => {
    expect(errorsFor(cadence({ play: 'nope' }))).toEqual([
      { path: 'journeys.transactional.tips.play', message: 'names play "nope", which plays does not define' },
    ]);
    expect(errorsFor(cadence({ play: 'nudge_first_login' }))).toEqual([
      {
        path: 'journeys.transactional.tips.play',
        message: 'names play "nudge_first_login", which is not of kind tip',
      },
    ]);
    expect(errorsFor({ plays: { weekly_tip: { channel: 'csm_notice' } } })).toEqual([
      {
        path: 'journeys.transactional.tips.play',
        message: expect.stringContaining('a CSM notice: a tip goes to the account'),
      },
    ]);
  });

  it('a feature listed twice or naming a missing template', () => {
    expect(
      errorsFor({
        tips: {
          features: [
            { feature: 'alerts', template: 'tip_alerts' },
            { feature: 'alerts', template: 'tip_nope' },
          ],
        },
      }),
    ).toEqual([
      { path: 'tips.features[1].feature', message: 'lists feature "alerts" a second time' },
      {
        path: 'tips.features[1].template',
        message: 'names template "tip_nope", which templates does not define',
      },
    ]);
  });

  it('null turns a segment off', () => {
    expect(errorsFor(cadence(null))).toEqual([]);
    expect(nextTipTimer(withCadence(null), small, day(20))).toBeNull();
  });
});

describe('which tip', () => {
  const tips = defaultConfig.tips;

  it('teaches a feature the account has not used, rotating from one tip to the next', () => {
    const adopted = new Set(['dashboards', 'reports', 'integrations']);
    expect([0, 1, 2, 3].map((n) => chooseTip(tips, adopted, n, 'weekly_tip').feature)).toEqual([
      'alerts',
      'workflows',
      'alerts',
      'workflows',
    ]);
    expect(chooseTip(tips, adopted, 0, 'weekly_tip').template).toBe('tip_alerts');
  });

  it('falls back to the general tip when every listed feature is in use', () => {
    const all = new Set(tips.features.map((f) => f.feature));
    expect(chooseTip(tips, all, 5, 'weekly_tip')).toEqual({ feature: null, template: 'weekly_tip' });
    expect(chooseTip({ features: [] }, new Set(), 0, 'weekly_tip')).toEqual({
      feature: null,
      template: 'weekly_tip',
    });
  });

  it('reads adoption from the rollups: any feature_used in the lookback', () => {
    const rollups = rollupsFrom('small', [
      signal('small', 'feature_used', '2026-02-01T10:00:00Z', { attributes: { feature: 'alerts' } }),
      signal('small', 'feature_used', '2026-02-03T10:00:00Z', { attributes: { feature: 'dashboards' } }),
    ]);
    expect(adoptedFeatures(rollups)).toEqual(new Set(['alerts', 'dashboards']));
  });
});

describe('a tip as a decision', () => {
  it('writes to the users and admins (the play audience), keyed by the tip day, and schedules the next tip', () => {
    const rollups = rollupsFrom('small', [
      signal('small', 'feature_used', '2026-01-20T10:00:00Z', { attributes: { feature: 'dashboards' } }),
    ]);
    const decision = decideTip(defaultConfig, input({ rollups }));
    const sent = messages(decision.effects);
    expect(sent.map((m) => m.recipient.email)).toEqual(['admin@small.example', 'user@small.example']);
    expect(sent[0]).toMatchObject({
      key: { playId: 'weekly_tip', about: 'tips', recipientId: 'small-admin', occurrence: '2026-01-29' },
      audience: 'contact',
      channel: 'email',
      content: {
        kind: 'template',
        template: 'tip_alerts',
        variables: { contactName: 'Ada', accountName: 'Account small' },
      },
      retry: { kind: 'journey_tip', ref: 'tip.deferred', payload: { occurrence: 0, day: '2026-01-29' } },
      timeline: { action: 'message_sent', what: 'weekly_tip (email) to Ada Admin: alerts tip' },
    });
    expect(timersSet(decision.effects)).toEqual([
      expect.objectContaining({
        ref: 'tip',
        dueAt: '2026-02-05T08:00:00.000Z',
        payload: { occurrence: 1, day: '2026-02-05' },
      }),
    ]);
    expect(decision.summary).toBe('tip 1: alerts to 2 contacts; next tip 2026-02-05');
  });

  it('a deferred retry decides the same messages and schedules nothing', () => {
    const first = decideTip(defaultConfig, input());
    const retry = decideTip(defaultConfig, input({ scheduleNext: false, now: day(14, 8) }));
    expect(timersSet(retry.effects)).toEqual([]);
    expect(messages(retry.effects).map((m) => m.key)).toEqual(messages(first.effects).map((m) => m.key));
  });

  it.each([
    [{ band: 'red' as const, openEscalation: false, urgentTicket: false }, 'tip withheld: health is red'],
    [
      { band: 'green' as const, openEscalation: true, urgentTicket: false },
      'tip withheld: an escalation is open',
    ],
    [
      { band: 'yellow' as const, openEscalation: false, urgentTicket: true },
      'tip withheld: an urgent ticket is open',
    ],
  ])(
    'withholds the tip from a struggling account with a not-sent row per contact (%o)',
    (situation, detail) => {
      const decision = decideTip(defaultConfig, input({ situation }));
      expect(messages(decision.effects)).toEqual([]);
      expect(decision.effects.filter((e) => e.kind === 'not_sent')).toEqual(
        ['small-admin', 'small-user'].map((recipientId) => ({
          kind: 'not_sent',
          row: {
            key: { playId: 'weekly_tip', about: 'tips', recipientId, occurrence: '2026-01-29' },
            channel: 'email',
            reason: 'struggling',
            detail,
          },
        })),
      );
      // The cadence goes on: the account gets the next tip if it recovers.
      expect(timersSet(decision.effects)).toHaveLength(1);
    },
  );

  it('stops when the account churned, its segment sends none, or the cadence ended', () => {
    expect(decideTip(defaultConfig, input({ churned: true })).effects).toEqual([]);
    expect(decideTip(defaultConfig, input({ account: core })).effects).toEqual([]);
    const ending = withCadence({ play: 'weekly_tip', everyDays: 7, startDay: 14, endDay: 21 });
    const last = decideTip(ending, input({ occurrence: 1, day: '2026-02-05', now: day(21) }));
    expect(timersSet(last.effects)).toEqual([]);
    expect(messages(last.effects)).toHaveLength(2);
    expect(last.summary).toContain('the last tip');
    expect(decideTip(ending, input({ occurrence: 2, day: '2026-02-12', now: day(28) })).effects).toEqual([]);
  });
});

describe('a tip is due when its contacts may be written to, so restraint sends it at once', () => {
  /** A transactional account whose admin and user live in the given zones (go-live Thursday 15 January 2026). */
  const livingIn = (id: string, zones: [string, string], goLiveDate = '2026-01-15') =>
    account(id, {
      goLiveDate,
      contacts: [
        { id: `${id}-admin`, email: `admin@${id}.example`, name: 'Ada', role: 'admin', timezone: zones[0] },
        { id: `${id}-user`, email: `user@${id}.example`, name: 'Uma', role: 'user', timezone: zones[1] },
      ],
    });
  /** Restraint's verdict on each message of the tip, decided and judged at `now`. */
  const verdictsAt = (tipAccount: TipInput['account'], now: Date) =>
    restrain(
      messages(decideTip(defaultConfig, input({ account: tipAccount, now })).effects).map((m) => ({
        key: m.key,
        play: defaultConfig.plays.weekly_tip ?? tipPlayMissing(),
        recipient: m.recipient,
      })),
      state({ accountId: tipAccount.id, now }),
      defaultConfig.restraint,
    ).map((j) => `${j.candidate.recipient.id} ${j.verdict.outcome}`);
  const tipPlayMissing = () => {
    throw new Error('weekly_tip is a default play');
  };

  it('runs a Berlin contact tip once at 08:00 local: due then, it is sent, where UTC midnight was deferred', () => {
    const berlin = livingIn('berlin', ['Europe/Berlin', 'Europe/Berlin']);
    const timer = tipTimer(defaultConfig, berlin, 0);
    expect(timer).toMatchObject({
      dueAt: '2026-01-29T07:00:00.000Z',
      payload: { occurrence: 0, day: '2026-01-29' },
    });
    expect(verdictsAt(berlin, new Date(timer?.dueAt ?? 0))).toEqual([
      'berlin-admin send',
      'berlin-user send',
    ]);
    // The old due time: restraint deferred every contact, and the tip ran a second time in the morning.
    expect(verdictsAt(berlin, new Date('2026-01-29T00:00:00Z'))).toEqual([
      'berlin-admin deferred',
      'berlin-user deferred',
    ]);
  });

  it.each([
    [
      'a Los Angeles tip at 08:00 local on its own day, not the afternoon before',
      'pacific',
      ['America/Los_Angeles', 'America/Los_Angeles'],
      '2026-01-29T16:00:00.000Z',
      ['pacific-admin send', 'pacific-user send'],
    ],
    [
      'contacts in several zones at the first morning; restraint defers the later zone',
      'mixed',
      ['Asia/Singapore', 'Europe/Berlin'],
      '2026-01-29T00:00:00.000Z',
      ['mixed-admin send', 'mixed-user deferred'],
    ],
  ] as const)('sends %s', (_, id, zones, dueAt, verdicts) => {
    const living = livingIn(id, [...zones]);
    const timer = tipTimer(defaultConfig, living, 0);
    expect(timer?.dueAt).toBe(dueAt);
    expect(verdictsAt(living, new Date(dueAt))).toEqual(verdicts);
  });

  it('moves a tip falling on a quiet Saturday to Monday morning, keeping its day as the occurrence', () => {
    const weekend = livingIn('weekend', ['Europe/Berlin', 'Europe/Berlin'], '2026-01-17');
    expect(tipTimer(defaultConfig, weekend, 0)).toMatchObject({
      dueAt: '2026-02-02T07:00:00.000Z',
      payload: { occurrence: 0, day: '2026-01-31' },
    });
  });

  it('counts a tip due before its UTC day (east of UTC) as past once its due time is', () => {
    const tokyo = livingIn('tokyo', ['Asia/Tokyo', 'Asia/Tokyo']);
    expect(tipTimer(defaultConfig, tokyo, 0)?.dueAt).toBe('2026-01-28T23:00:00.000Z');
    expect(nextTipTimer(defaultConfig, tokyo, new Date('2026-01-28T22:00:00Z'))?.payload.occurrence).toBe(0);
    expect(nextTipTimer(defaultConfig, tokyo, new Date('2026-01-29T00:00:00Z'))?.payload.occurrence).toBe(1);
  });
});

describe("restraint on the default tip play (the executor's pipeline)", () => {
  const tipPlay = defaultConfig.plays.weekly_tip;
  if (!tipPlay) throw new Error('weekly_tip is a default play');
  const tip = (accountId: string): Candidate => ({
    key: { playId: 'weekly_tip', about: 'tips', recipientId: `${accountId}-admin`, occurrence: '2026-01-21' },
    play: tipPlay,
    recipient: { id: `${accountId}-admin`, name: 'Ada', email: 'ada@x.example', timezone: 'Europe/Berlin' },
  });
  const judge = (accountId: string, overrides: Partial<RestraintState> = {}) =>
    restrain([tip(accountId)], state({ accountId, ...overrides }), defaultConfig.restraint)[0]?.verdict;

  it('holds about a fifth of accounts out, always the same ones', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `acct-${i}`);
    const held = ids.filter((id) => judge(id)?.outcome === 'held_out');
    expect(held.length / ids.length).toBeGreaterThan(0.17);
    expect(held.length / ids.length).toBeLessThan(0.23);
    expect(ids.filter((id) => judge(id)?.outcome === 'held_out')).toEqual(held);
  });

  it('is dropped, not deferred, when the contact already had two messages this week', () => {
    const recentSends = ['2026-01-19T09:00:00Z', '2026-01-20T09:00:00Z'].map((at) => ({
      recipientId: 'acme-admin',
      at,
      priority: 50,
    }));
    expect(judge('acme', { recentSends })).toMatchObject({ outcome: 'dropped', reason: 'over_budget' });
  });

  it('waits for the morning in the contact time zone, and is silent or dropped as the others are', () => {
    expect(judge('acme', { now: new Date('2026-01-21T05:00:00Z') })).toMatchObject({
      outcome: 'deferred',
      reason: 'quiet_hours',
      deferUntil: '2026-01-21T07:00:00.000Z',
    });
    expect(judge('acme', { unsubscribed: new Set(['acme-admin']) })).toMatchObject({
      reason: 'unsubscribed',
    });
    expect(judge('acme', { suppressed: new Set(['ada@x.example']) })).toMatchObject({ reason: 'suppressed' });
    const renewal = { openEscalation: false, urgentTicket: false, renewalNegotiation: true };
    expect(judge('acme', { context: renewal })).toMatchObject({ outcome: 'dropped', reason: 'context' });
  });
});
