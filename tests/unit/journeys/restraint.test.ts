import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '#config/journeys-schema';
import { holdoutPoint, isHeldOut } from '#core/journeys/holdout';
import { isQuiet, nextAllowedTime } from '#core/journeys/local-time';
import { restrain } from '#core/journeys/restraint';
import { candidate, restraint, state, WORKING_HOUR } from './builders.ts';

const verdictOf = (...args: Parameters<typeof restrain>) => restrain(...args).map((j) => j.verdict);
const AT = '2026-01-20T08:00:00.000Z';
const daysAgo = (days: number) => new Date(WORKING_HOUR.getTime() - days * 86_400_000).toISOString();

describe('restraint pipeline', () => {
  it('sends a message nothing holds back', () => {
    expect(verdictOf([candidate('nudge')], state(), restraint)).toEqual([{ outcome: 'send' }]);
  });

  it('drops mail to a contact who unsubscribed, and in-app messages too', () => {
    const unsubscribed = state({ unsubscribed: new Set(['ann']) });
    expect(
      verdictOf([candidate('nudge'), candidate('tip', { channel: 'in_app' })], unsubscribed, restraint),
    ).toEqual([
      expect.objectContaining({ outcome: 'dropped', reason: 'unsubscribed' }),
      expect.objectContaining({ outcome: 'dropped', reason: 'unsubscribed' }),
    ]);
  });

  it('drops mail to an address that bounced or complained', () => {
    expect(
      verdictOf([candidate('nudge')], state({ suppressed: new Set(['ann@acme.example']) }), restraint),
    ).toEqual([expect.objectContaining({ outcome: 'dropped', reason: 'suppressed' })]);
  });

  it("drops mail under a topic the address refused in SES's contact list, and only that topic's", () => {
    // Prepare: ann left the nudges through SES's own unsubscribe header; milestone news still goes to her.
    const preference = { email: 'ann@acme.example', unsubscribeAll: false, optedOut: ['nudges'], at: AT };
    const refused = state({ listPreferences: new Map([['ann@acme.example', preference]]) });
    // Act
    const [nudge, congratulation, inApp] = verdictOf(
      [
        candidate('nudge'),
        candidate('first_value', { kind: 'congratulate' }),
        candidate('tip', { kind: 'tip', channel: 'in_app' }),
      ],
      refused,
      restraint,
    );
    // Assess: the topic follows the play's kind; in-app messages are not mail, so no mail topic concerns them.
    expect(nudge).toEqual({
      outcome: 'dropped',
      reason: 'unsubscribed',
      detail: 'ann@acme.example unsubscribed from the nudges topic in the SES contact list',
    });
    expect([congratulation, inApp]).toEqual([{ outcome: 'send' }, { outcome: 'send' }]);
  });

  it('reads the topics of the deployment, and an unsubscribe from every topic drops every contact mail', () => {
    const only = (preference: { unsubscribeAll: boolean; optedOut: string[] }) =>
      new Map([['ann@acme.example', { email: 'ann@acme.example', at: AT, ...preference }]]);
    const newsletter = state({
      listPreferences: only({ unsubscribeAll: false, optedOut: ['news'] }),
      topics: { congratulate: 'news' },
    });
    expect(verdictOf([candidate('first_value', { kind: 'congratulate' })], newsletter, restraint)).toEqual([
      expect.objectContaining({ reason: 'unsubscribed' }),
    ]);
    const everything = state({ listPreferences: only({ unsubscribeAll: true, optedOut: [] }) });
    expect(
      verdictOf([candidate('renewal', { kind: 'renewal_notice', priority: 90 })], everything, restraint),
    ).toEqual([
      {
        outcome: 'dropped',
        reason: 'unsubscribed',
        detail: 'ann@acme.example unsubscribed from every topic in the SES contact list',
      },
    ]);
  });

  it('checks unsubscribe before suppression', () => {
    const both = state({ unsubscribed: new Set(['ann']), suppressed: new Set(['ann@acme.example']) });
    expect(verdictOf([candidate('nudge')], both, restraint)[0]).toMatchObject({ reason: 'unsubscribed' });
  });

  it('lets a renewal notice beat a tip for the last slot of the week; the tip is dropped and the ledger says so', () => {
    const oneLeft = state({ recentSends: [{ recipientId: 'ann', at: daysAgo(2), priority: 50 }] });
    const [tip, renewal] = verdictOf(
      [candidate('tip', { priority: 10, overBudget: 'drop' }), candidate('renewal', { priority: 90 })],
      oneLeft,
      restraint,
    );
    expect(renewal).toEqual({ outcome: 'send' });
    expect(tip).toMatchObject({
      outcome: 'dropped',
      reason: 'over_budget',
      detail: expect.stringMatching(/^dropped: contact budget/),
    });
  });

  it('defers an over-budget message until the oldest send of the week leaves the window', () => {
    const full = state({
      recentSends: [
        { recipientId: 'ann', at: daysAgo(5), priority: 50 },
        { recipientId: 'ann', at: daysAgo(1), priority: 50 },
      ],
    });
    expect(verdictOf([candidate('nudge')], full, restraint)[0]).toEqual({
      outcome: 'deferred',
      reason: 'over_budget',
      detail: expect.stringMatching(/^deferred: contact budget/),
      deferUntil: '2026-01-23T09:00:00.000Z',
    });
  });

  it('counts the account budget across its contacts', () => {
    const busy = state({
      recentSends: ['bo', 'cy', 'di', 'ed', 'fi'].map((recipientId) => ({
        recipientId,
        at: daysAgo(1),
        priority: 50,
      })),
    });
    expect(verdictOf([candidate('nudge')], busy, restraint)[0]).toMatchObject({
      reason: 'over_budget',
      detail: expect.stringContaining('account budget'),
    });
  });

  it('ignores sends older than a week', () => {
    const old = state({
      recentSends: [8, 9].map((d) => ({ recipientId: 'ann', at: daysAgo(d), priority: 50 })),
    });
    expect(verdictOf([candidate('nudge')], old, restraint)).toEqual([{ outcome: 'send' }]);
  });

  it('defers mail at night in the contact time zone to 08:00 local', () => {
    const night = state({ now: new Date('2026-01-21T01:00:00Z') });
    expect(verdictOf([candidate('nudge')], night, restraint)[0]).toEqual(
      expect.objectContaining({
        outcome: 'deferred',
        reason: 'quiet_hours',
        deferUntil: '2026-01-21T07:00:00.000Z',
      }),
    );
  });

  it('defers mail at the weekend to Monday morning, across a time zone', () => {
    const saturday = state({ now: new Date('2026-01-24T15:00:00Z') });
    const inNewYork = {
      ...candidate('nudge'),
      recipient: { ...candidate('nudge').recipient, timezone: 'America/New_York' },
    };
    expect(verdictOf([inNewYork], saturday, restraint)[0]).toMatchObject({
      reason: 'quiet_hours',
      deferUntil: '2026-01-26T13:00:00.000Z',
    });
  });

  it('does not hold in-app messages to quiet hours', () => {
    const night = state({ now: new Date('2026-01-21T01:00:00Z') });
    expect(verdictOf([candidate('tip', { channel: 'in_app' })], night, restraint)).toEqual([
      { outcome: 'send' },
    ]);
  });

  it.each([
    ['an open escalation', { openEscalation: true }, 'open escalation'],
    ['an urgent ticket', { urgentTicket: true }, 'urgent ticket'],
    ['a live renewal negotiation', { renewalNegotiation: true }, 'renewal negotiation'],
  ])('holds messages back during %s', (_, context, words) => {
    const busy = state({
      context: { openEscalation: false, urgentTicket: false, renewalNegotiation: false, ...context },
    });
    expect(verdictOf([candidate('nudge')], busy, restraint)[0]).toMatchObject({
      outcome: 'dropped',
      reason: 'context',
      detail: expect.stringContaining(words),
    });
  });

  it('still sends a renewal notice during a renewal negotiation', () => {
    const negotiating = state({
      context: { openEscalation: false, urgentTicket: false, renewalNegotiation: true },
    });
    expect(verdictOf([candidate('renewal', { kind: 'renewal_notice' })], negotiating, restraint)).toEqual([
      { outcome: 'send' },
    ]);
  });

  it('records a held-out account as held out, deterministically', () => {
    const everyone = candidate('tip', { holdout: 1 });
    expect(verdictOf([everyone], state(), restraint)[0]).toMatchObject({
      outcome: 'held_out',
      reason: 'held_out',
    });
    expect(verdictOf([candidate('tip', { holdout: 0 })], state(), restraint)).toEqual([{ outcome: 'send' }]);
  });

  it('records a silent play as would-have-sent and sends nothing', () => {
    expect(verdictOf([candidate('nudge', { silent: true })], state(), restraint)[0]).toMatchObject({
      outcome: 'would_have_sent',
      reason: 'silent_mode',
    });
  });

  it('lets CSM notices through quiet hours, budget and context; they go to the vendor CSM', () => {
    const everythingOn = state({
      now: new Date('2026-01-24T01:00:00Z'),
      recentSends: [1, 2, 3].map(() => ({ recipientId: 'csm', at: daysAgo(1), priority: 80 })),
      context: { openEscalation: true, urgentTicket: true, renewalNegotiation: true },
    });
    expect(verdictOf([candidate('csm', { channel: 'csm_notice' }, 'csm')], everythingOn, restraint)).toEqual([
      { outcome: 'send' },
    ]);
  });

  it('never sends more than the weekly budget to a contact, whatever the batch (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ priority: fc.integer({ min: 0, max: 100 }), drop: fc.boolean() }), {
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 3 }),
        (plays, already) => {
          const recentSends = Array.from({ length: already }, () => ({
            recipientId: 'ann',
            at: daysAgo(1),
            priority: 50,
          }));
          const judged = restrain(
            plays.map((p, i) =>
              candidate(`p${i}`, { priority: p.priority, overBudget: p.drop ? 'drop' : 'defer' }),
            ),
            state({ recentSends }),
            restraint,
          );
          const sent = judged.filter((j) => j.verdict.outcome === 'send');
          expect(sent.length).toBeLessThanOrEqual(Math.max(0, restraint.weeklyPerContact - already));
          // Priority wins: nothing sent has a lower priority than a message held back by the budget.
          const held = judged.filter((j) => j.verdict.outcome !== 'send');
          for (const s of sent)
            for (const h of held)
              expect(s.candidate.play.priority).toBeGreaterThanOrEqual(h.candidate.play.priority);
        },
      ),
    );
  });

  it('never sends during quiet hours, and defers to an allowed time (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        (now, timezone) => {
          const c = { ...candidate('nudge'), recipient: { ...candidate('nudge').recipient, timezone } };
          const [verdict] = verdictOf([c], state({ now }), restraint);
          if (verdict?.outcome === 'send') expect(isQuiet(now, timezone, restraint)).toBe(false);
          else {
            expect(verdict).toMatchObject({ reason: 'quiet_hours', outcome: 'deferred' });
            const until = new Date(verdict && 'deferUntil' in verdict ? (verdict.deferUntil ?? '') : '');
            expect(isQuiet(until, timezone, restraint)).toBe(false);
            expect(until.getTime()).toBeGreaterThan(now.getTime());
            expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(3 * 86_400_000);
          }
        },
      ),
    );
  });
});

describe('holdout', () => {
  it('holds out about the configured share of accounts, the same ones every time (property)', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `account-${i}`);
    const held = ids.filter((id) => isHeldOut(id, 'weekly_tip', 0.2)).length / ids.length;
    expect(held).toBeGreaterThan(0.17);
    expect(held).toBeLessThan(0.23);
    fc.assert(
      fc.property(fc.string(), fc.string(), (account, playId) => {
        const point = holdoutPoint(account, playId);
        expect(point).toBeGreaterThanOrEqual(0);
        expect(point).toBeLessThan(1);
        expect(holdoutPoint(account, playId)).toBe(point);
      }),
    );
  });
});

describe('quiet hours', () => {
  it('keeps local 08:00 across the daylight-saving change in Berlin', () => {
    // Sunday 29 March 2026 clocks go forward; Monday 08:00 CEST is 06:00 UTC.
    expect(nextAllowedTime(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin', restraint)?.toISOString()).toBe(
      '2026-03-30T06:00:00.000Z',
    );
  });

  it('reads the minutes of quiet hours that do not start or end on the hour', () => {
    const halfPast = { ...restraint, quietHours: { start: '21:30', end: '07:45' }, quietDays: [] };
    // Wednesday 3 June 2026 in Berlin (CEST, UTC+2).
    const at = (local: string) => new Date(`2026-06-03T${local}:00+02:00`);
    expect(isQuiet(at('21:15'), 'Europe/Berlin', halfPast)).toBe(false);
    expect(isQuiet(at('21:30'), 'Europe/Berlin', halfPast)).toBe(true);
    expect(isQuiet(at('07:44'), 'Europe/Berlin', halfPast)).toBe(true);
    expect(isQuiet(at('07:45'), 'Europe/Berlin', halfPast)).toBe(false);
    expect(nextAllowedTime(at('23:00'), 'Europe/Berlin', halfPast)?.toISOString()).toBe(
      '2026-06-04T05:45:00.000Z',
    );
  });

  it('is the first quarter hour the wall clock there allows, across daylight-saving changes (property)', () => {
    // What nextAllowedTime means, read off the wall clock at every quarter hour.
    const byEveryQuarterHour = (from: Date, zone: string, rules: typeof restraint) => {
      if (!isQuiet(from, zone, rules)) return from;
      const step = 15 * 60_000;
      for (
        let at = Math.ceil(from.getTime() / step) * step;
        at <= from.getTime() + 8 * 86_400_000;
        at += step
      )
        if (!isQuiet(new Date(at), zone, rules)) return new Date(at);
      return undefined;
    };
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'Australia/Sydney',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'UTC',
    ];
    const clockTime = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        // Instants over 2026, most of them within a week of a daylight-saving change somewhere.
        fc.oneof(
          fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
          fc
            .tuple(
              fc.constantFrom(
                '2026-03-08',
                '2026-03-29',
                '2026-04-05',
                '2026-09-06',
                '2026-09-27',
                '2026-10-04',
              ),
              fc.integer({ min: -8 * 86_400_000, max: 86_400_000 }),
            )
            .map(([day, shift]) => Date.parse(`${day}T02:00:00Z`) + shift),
        ),
        fc.constantFrom(...zones),
        clockTime,
        clockTime,
        fc.subarray([...WEEKDAYS], { maxLength: 6 }),
        (ms, zone, start, end, quietDays) => {
          const rules = { ...restraint, quietHours: { start, end }, quietDays };
          const from = new Date(ms);
          expect(nextAllowedTime(from, zone, rules)?.toISOString()).toBe(
            byEveryQuarterHour(from, zone, rules)?.toISOString(),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
