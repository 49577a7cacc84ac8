import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Effect } from '#core/effects/effect';
import { accountFacts } from '#core/workflows/evidence';
import { type CheckpointInput, decideCheckpoint, passedCheckpointTimer } from '#core/workflows/renewal';
import type { ReviewRecord } from '#core/workflows/review-record';
import { NOW, view } from './view.ts';

const RENEWAL = '2026-09-08';
const at = (daysBefore: number): CheckpointInput => ({
  ref: `T-${daysBefore}`,
  daysBefore,
  renewalDate: RENEWAL,
  at: NOW.toISOString(),
  cause: `renewal_checkpoint:T-${daysBefore}`,
});
const contract = { startDate: '2025-09-08', renewalDate: RENEWAL, arr: 200_000 };
const plays = (effects: readonly Effect[]) =>
  effects.flatMap((e) =>
    e.kind === 'message' ? [`${e.message.key.playId} -> ${e.message.recipient.id}`] : [],
  );

describe('a renewal checkpoint', () => {
  it('starts a risk check when detection finds the renewal at risk, and holds the value message back', () => {
    const cutting = view({
      touch: 'low',
      account: { contract },
      facts: {
        ...accountFacts([], [], NOW),
        firstDataDay: '2025-06-01',
        contractReductionRequested: true,
        contractReductionAt: NOW.toISOString(),
      },
    });
    const { effects } = decideCheckpoint(defaultConfig, cutting, at(60));
    expect(effects.map((e) => e.kind)).toEqual(['timeline', 'set_timer']);
    expect(effects[1]).toMatchObject({
      timer: { kind: 'risk_check', payload: { step: 'detect', origin: 'renewal checkpoint T-60' } },
    });
    expect(effects[0]).toMatchObject({
      entry: { what: expect.stringContaining('no renewal-value message: the renewal is at risk') },
    });
  });

  it('proposes the Annual Customer Review of a high-touch Core account at T-90, once per renewal', () => {
    const core = view({ touch: 'high', program: 'core', account: { contract } });
    const first = decideCheckpoint(defaultConfig, core, at(90));
    expect(first.effects.map((e) => e.kind)).toEqual([
      'timeline',
      'create_review',
      'timeline',
      'message',
      'message',
    ]);
    expect(plays(first.effects)).toEqual(['review_invitation -> acme-sponsor', 'review_invitation -> csm']);
    const review = first.effects.find((e) => e.kind === 'create_review');
    expect(review?.kind === 'create_review' && review.review.reviewKind).toBe('annual_customer_review');
    // Booked: a later checkpoint inside the window proposes none.
    const booked = view({
      touch: 'high',
      program: 'core',
      account: { contract },
      band: 'yellow',
      reviews: [review?.kind === 'create_review' ? review.review : ({} as never)],
    });
    expect(decideCheckpoint(defaultConfig, booked, at(60)).effects.map((e) => e.kind)).toEqual(['timeline']);
  });

  it('proposes no renewal review when a programme review of the account is booked or held in the same weeks', () => {
    // The T-90 review would start on 24 June (NOW + 14 days); the quarterly health check of 1 July covers it.
    const healthCheck: ReviewRecord = {
      reviewId: 'cadence.health_check.20260701',
      accountId: 'acme',
      reviewKind: 'health_check',
      status: 'scheduled',
      scheduledAt: '2026-06-17T09:00:00.000Z',
      startsAt: '2026-07-01T08:00:00.000Z',
      invitedTo: [],
      programme: 'health_check',
    };
    const strategic = (reviews: ReviewRecord[]) =>
      view({ touch: 'high', program: 'strategic', account: { contract }, reviews });
    const covered = decideCheckpoint(defaultConfig, strategic([healthCheck]), at(90));
    expect(covered.effects.map((e) => e.kind)).toEqual(['timeline']);
    expect(covered.summary).toContain(
      'no renewal review: health_check cadence.health_check.20260701 (scheduled, starting 2026-07-01) covers it',
    );
    // Held counts as well; missed does not, and one outside coveredWithinDays (30) does not either.
    const held = { ...healthCheck, status: 'held' as const };
    expect(decideCheckpoint(defaultConfig, strategic([held]), at(90)).summary).toContain('covers it');
    const missed = { ...healthCheck, status: 'missed' as const };
    const farAway = { ...healthCheck, startsAt: '2026-08-01T08:00:00.000Z' };
    for (const reviews of [[missed], [farAway]]) {
      expect(
        decideCheckpoint(defaultConfig, strategic(reviews), at(90)).effects.map((e) => e.kind),
      ).toContain('create_review');
    }
  });

  it('sends the renewal-value message of a calm low-touch account to its contacts at T-60', () => {
    const calm = view({ touch: 'low', account: { contract } });
    expect(plays(decideCheckpoint(defaultConfig, calm, at(60)).effects)).toEqual([
      'renewal_notice -> acme-sponsor',
      'renewal_notice -> acme-admin',
    ]);
  });

  it('does nothing and says why once the renewal has resolved', () => {
    const renewed = view({
      account: { contract },
      facts: {
        ...accountFacts([], [], NOW),
        firstDataDay: '2025-06-01',
        renewalOutcome: { outcome: 'renewed', at: '2026-06-01T12:00:00Z' },
      },
    });
    expect(decideCheckpoint(defaultConfig, renewed, at(0)).effects).toEqual([
      expect.objectContaining({
        entry: expect.objectContaining({ why: 'the renewal already resolved (renewed on 2026-06-01)' }),
      }),
    ]);
  });

  it('runs the checkpoint an account missed by arriving 28 days before renewal, now, instead of waiting for T-7', () => {
    const now = new Date('2026-08-11T12:00:00Z');
    expect(passedCheckpointTimer('acme', RENEWAL, defaultConfig.timers, now)).toEqual({
      kind: 'renewal_checkpoint',
      accountId: 'acme',
      ref: `T-30.catch-up.${RENEWAL}`,
      dueAt: now.toISOString(),
      payload: { daysBefore: 30, renewalDate: RENEWAL, caughtUp: true },
    });
    expect(
      passedCheckpointTimer('acme', RENEWAL, defaultConfig.timers, new Date('2026-01-01T00:00:00Z')),
    ).toBeNull();
  });
});
