import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import { zonedInstant } from '#core/journeys/local-time';
import { addMonths } from '#core/reviews/calendar';
import { decideProgrammeReview } from '#core/reviews/decide';
import { programmeTimers } from '#core/reviews/programme';
import type { AccountView } from '#core/workflows/account-view';
import { reviewOverdue } from '#core/workflows/review-record';
import { account } from '../../support/fixtures.ts';
import { view } from '../workflows/view.ts';

const strategic = account('globex', {
  segment: 'strategic',
  goLiveDate: '2026-01-05',
  contract: { startDate: '2025-10-01', renewalDate: '2028-01-01', arr: 900_000 },
});

describe('the review programme calendar', () => {
  it('counts reviews from the contract start, so moving the renewal date moves none of them', () => {
    const now = new Date('2026-02-10T00:00:00Z');
    const before = programmeTimers(defaultConfig, strategic, now);
    const moved = programmeTimers(
      defaultConfig,
      { ...strategic, contract: { ...strategic.contract, renewalDate: '2029-06-30' } },
      now,
    );
    expect(moved).toEqual(before);
    // The quarterly health check of 1 April (invited 14 days ahead at 09:00 UTC) and the journey EBRs on Day 90 and
    // Day 270 after go-live, as the baseline has them (seed 004), although Strategic's own due days for the value
    // milestones are 120 and 365.
    expect(defaultConfig.segments.strategic?.journeyBaseline?.dueDays).toEqual({
      value_75: 120,
      value_100: 365,
    });
    expect(before.map((t) => [t.ref, t.payload.reviewDate, t.dueAt])).toEqual([
      ['review.health_check', '2026-04-01', '2026-03-18T09:00:00.000Z'],
      ['review.journey.value_75', '2026-04-05', '2026-03-22T09:00:00.000Z'],
      ['review.journey.value_100', '2026-10-02', '2026-09-18T09:00:00.000Z'],
    ]);
  });

  it('gives a Core account its Annual Customer Review and mid-year check, and a Transactional one a self-review', () => {
    const now = new Date('2026-01-05T00:00:00Z');
    const core = account('hooli', {
      segment: 'core',
      contract: { startDate: '2025-03-01', renewalDate: '2027-03-01', arr: 1 },
    });
    expect(programmeTimers(defaultConfig, core, now).map((t) => [t.ref, t.payload.reviewDate])).toEqual([
      ['review.acr', '2026-11-01'],
      ['review.mid_year', '2026-05-01'],
    ]);
    const small = account('tiny', { segment: 'transactional' });
    expect(programmeTimers(defaultConfig, small, now).map((t) => [t.ref, t.payload.reviewDate])).toEqual([
      ['review.self_review', '2026-09-01'],
    ]);
  });

  it('clamps month ends and places the meeting at the local hour across daylight saving', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(zonedInstant('2026-03-27', 10, 'Europe/Berlin').toISOString()).toBe('2026-03-27T09:00:00.000Z');
    expect(zonedInstant('2026-03-30', 10, 'Europe/Berlin').toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(zonedInstant('2026-11-02', 10, 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-02T18:00:00.000Z',
    );
  });
});

describe('a programme review coming due', () => {
  const input = {
    ref: 'review.health_check',
    entry: 'health_check',
    reviewDate: '2026-07-01',
    at: '2026-06-17T09:00:00.000Z',
    cause: 'review:review.health_check:2026-06-17T09:00:00.000Z',
  };
  const strategicView = (reviews: AccountView['reviews'] = []) =>
    view({
      account: {
        segment: 'strategic',
        contract: { startDate: '2025-10-01', renewalDate: '2028-01-01', arr: 1 },
      },
      touch: 'high',
      program: 'strategic',
      reviews,
      now: new Date(input.at),
    });

  it('books the review, invites the sponsor and the CSM with the .ics, and schedules the next one', () => {
    const decision = decideProgrammeReview(defaultConfig, strategicView(), input);
    const kinds = decision.effects.map((e) => e.kind);
    expect(kinds).toEqual(['create_review', 'timeline', 'message', 'message', 'set_timer']);
    const messages = decision.effects.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
    expect(
      messages.map(
        (m) => `${m.recipient.id} ${m.content.kind === 'chat' ? '' : m.content.attachments?.[0]?.filename}`,
      ),
    ).toEqual(['acme-sponsor review.ics', 'csm review.ics']);
    const next = decision.effects.find((e) => e.kind === 'set_timer');
    expect(next?.kind === 'set_timer' && next.timer.payload.reviewDate).toBe('2026-10-01');
  });

  it('books nothing when the renewal review already covers it, but keeps the cadence going', () => {
    const renewalReview = {
      reviewId: 'T-90-2026-09-30',
      accountId: 'acme',
      reviewKind: 'ebr' as const,
      status: 'scheduled' as const,
      scheduledAt: '2026-06-02T09:00:00.000Z',
      startsAt: '2026-06-16T15:00:00.000Z',
      invitedTo: [],
    };
    const decision = decideProgrammeReview(defaultConfig, strategicView([renewalReview]), input);
    expect(decision.effects.map((e) => e.kind)).toEqual(['timeline', 'set_timer']);
    expect(decision.summary).toContain('T-90-2026-09-30');
  });
});

describe('reviews overdue', () => {
  const review = (startsAt: string, status: 'scheduled' | 'held' | 'missed', format?: 'digital') => ({
    reviewId: startsAt,
    accountId: 'acme',
    reviewKind: 'health_check' as const,
    status,
    scheduledAt: startsAt,
    startsAt,
    invitedTo: [],
    ...(format ? { format } : {}),
  });
  const now = new Date('2026-06-30T00:00:00Z');

  it('counts the latest meeting missed or past two weeks without an outcome, and never a digital self-review', () => {
    expect(reviewOverdue([review('2026-06-01T10:00:00Z', 'scheduled')], now)).toBe(true);
    expect(reviewOverdue([review('2026-06-25T10:00:00Z', 'scheduled')], now)).toBe(false);
    expect(reviewOverdue([review('2026-06-25T10:00:00Z', 'missed')], now)).toBe(true);
    expect(
      reviewOverdue([review('2026-03-01T10:00:00Z', 'missed'), review('2026-06-01T10:00:00Z', 'held')], now),
    ).toBe(false);
    expect(reviewOverdue([review('2026-06-01T10:00:00Z', 'scheduled', 'digital')], now)).toBe(false);
  });
});

describe('the review programme config', () => {
  it('names every problem by its path: an unknown segment, play, milestone, and an offset beyond the cadence', () => {
    const result = parseConfig({
      ...defaultConfig,
      reviews: {
        ...defaultConfig.reviews,
        segments: {
          ...defaultConfig.reviews.segments,
          enterprise: { ...defaultConfig.reviews.segments.core },
          strategic: {
            ...defaultConfig.reviews.segments.strategic,
            cadence: [
              {
                id: 'qbr',
                kind: 'health_check',
                everyMonths: 3,
                offsetMonths: 3,
                format: 'meeting',
                play: 'weekly_tip',
              },
              { id: 'qbr', kind: 'ebr', everyMonths: 12, offsetMonths: 0, format: 'meeting', play: 'nope' },
            ],
            journeyEbrs: ['value_90'],
          },
        },
      },
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`).sort()).toEqual([
      'reviews.segments.enterprise: names segment "enterprise", which is not defined in segments',
      'reviews.segments.strategic.cadence[0].offsetMonths: must be below everyMonths',
      'reviews.segments.strategic.cadence[0].play: names play "weekly_tip", which is not of kind invitation',
      'reviews.segments.strategic.cadence[1].id: "qbr" is used twice',
      'reviews.segments.strategic.cadence[1].play: names play "nope", which plays does not define',
      'reviews.segments.strategic.journeyEbrs[0]: names milestone "value_90", which journeyBaseline.milestones does not define',
    ]);
  });
});
