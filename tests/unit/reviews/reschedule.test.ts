import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { MessageDraft } from '#core/effects/effect';
import { decideReviewUpdate, rescheduleTimer } from '#core/reviews/reschedule';
import type { ReviewRecord } from '#core/workflows/review-record';
import { view } from '../workflows/view.ts';

const moved: ReviewRecord = {
  reviewId: 'cadence.mid_year.20260701',
  accountId: 'acme',
  reviewKind: 'health_check',
  status: 'scheduled',
  scheduledAt: '2026-06-17T09:00:00.000Z',
  startsAt: '2026-07-15T08:00:00.000Z',
  rescheduledFrom: ['2026-07-01T08:00:00.000Z', '2026-07-08T08:00:00.000Z'],
  invitedTo: [],
  programme: 'mid_year',
};
const coreView = (review: ReviewRecord) =>
  view({
    account: { segment: 'core', contract: { startDate: '2025-05-01', renewalDate: '2027-05-01', arr: 1 } },
    touch: 'high',
    program: 'core',
    reviews: [review],
    now: new Date('2026-06-20T10:00:00Z'),
  });
const input = {
  ref: 'reschedule.cadence.mid_year.20260701',
  reviewId: moved.reviewId,
  at: '2026-06-20T10:00:00.000Z',
};
const messages = (review: ReviewRecord, sequence: number) =>
  decideReviewUpdate(defaultConfig, coreView(review), { ...input, sequence }).effects.flatMap((e) =>
    e.kind === 'message' ? [e.message] : [],
  );
const icsOf = (message: MessageDraft | undefined) =>
  message?.content.kind === 'chat' ? '' : (message?.content.attachments?.[0]?.content ?? '');

describe('the updated invitation of a moved review', () => {
  it('goes to the programme audience and the CSM with the same UID, SEQUENCE the count of moves and the new time', () => {
    const sent = messages(moved, 2);
    expect(sent.map((m) => `${m.recipient.id} ${m.key.occurrence}`)).toEqual([
      'acme-sponsor update.2',
      'acme-admin update.2',
      'csm update.2',
    ]);
    const ics = icsOf(sent[0]);
    expect(ics).toContain('UID:cadence.mid_year.20260701@churnguard');
    expect(ics).toContain('SEQUENCE:2');
    expect(ics).toContain('DTSTART:20260715T080000Z');
    expect(ics).toContain('DTSTAMP:20260620T100000Z');
    expect(sent[0]?.retry).toMatchObject({
      kind: 'review',
      ref: 'reschedule.cadence.mid_year.20260701.retry',
      payload: { update: moved.reviewId, sequence: 2, retryOf: input.ref },
    });
  });

  it('sends nothing for a move superseded by a later one, or for a review held or missed since', () => {
    expect(messages(moved, 1)).toEqual([]);
    expect(messages({ ...moved, status: 'held' }, 2)).toEqual([]);
    expect(messages({ ...moved, status: 'missed' }, 2)).toEqual([]);
  });

  it('is carried by a review timer due when the move was recorded, one per review', () => {
    expect(rescheduleTimer(moved, new Date('2026-06-20T10:00:00Z'))).toEqual({
      kind: 'review',
      accountId: 'acme',
      ref: 'reschedule.cadence.mid_year.20260701',
      dueAt: '2026-06-20T10:00:00.000Z',
      payload: { update: moved.reviewId, sequence: 2 },
    });
  });
});
