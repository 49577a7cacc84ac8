import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { syncReviewTimers } from '#functions/shared/review-timers';
import { upsertAccount } from '#store/account-store';
import { getReview } from '#store/review-store';
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { account } from '../support/fixtures.ts';
import { startWorkflowStack } from '../support/workflow-stack.ts';

/** The ReviewProgramme state machine as CDK synthesizes it, on the local runner, mailing through SES local. */
describe('a Core account’s mid-year review on the local stack', () => {
  let stack: Awaited<ReturnType<typeof startWorkflowStack>>;
  const hooli = account('hooli', {
    segment: 'core',
    contacts: [
      { id: 'hal', email: 'hal@hooli.example', name: 'Hal', role: 'sponsor', timezone: 'Europe/Paris' },
    ],
    contract: { startDate: '2025-05-01', renewalDate: '2027-05-01', arr: 48_000 },
  });

  beforeAll(async () => {
    stack = await startWorkflowStack('2026-06-01T00:00:00Z');
    await upsertAccount(stack.db, hooli, stack.clock.now());
    await syncReviewTimers(stack.db, hooli, stack.clock.now(), defaultConfig);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('books the review on its invitation day and the sponsor finds the invitation, .ics attached, in the inbox', async () => {
    const { db, clock, engine, mail } = stack;
    // Prepare: the mid-year check of 1 July is invited 14 days ahead.
    expect((await pendingTimers(db, 'hooli')).map((t) => `${t.ref} ${t.dueAt}`)).toContain(
      'review.mid_year 2026-06-17T09:00:00.000Z',
    );
    // Act
    await engine.advance('2026-06-18T00:00:00Z', clock);
    // Assess: the mail SES local accepted, with its calendar request at 10:00 Paris time.
    const [invitation, ...more] = await mail.to('hal@hooli.example');
    expect(more).toEqual([]);
    expect(invitation?.subject).toBe('Health-check review: Account hooli');
    expect(invitation?.body.text).toContain('Wednesday 2026-07-01 at 10:00 (Europe/Paris)');
    const ics = invitation?.attachments?.[0]?.content ?? '';
    const text = ics.includes('BEGIN:VCALENDAR') ? ics : Buffer.from(ics, 'base64').toString('utf8');
    expect(text).toContain('DTSTART:20260701T080000Z');
    expect(text).toContain('UID:cadence.mid_year.20260701@churnguard');
    expect((await mail.to('casey@vendor.example')).map((m) => m.subject)).toEqual([
      'Health-check review: Account hooli',
    ]);
    expect(await getReview(db, 'hooli', 'cadence.mid_year.20260701')).toMatchObject({
      status: 'scheduled',
      programme: 'mid_year',
      startsAt: '2026-07-01T08:00:00.000Z',
    });
    const timeline = await readTimeline(db, 'hooli');
    expect(timeline.filter((e) => e.action === 'message_sent')).toHaveLength(2);
    // ... and the next one is a year on.
    expect((await pendingTimers(db, 'hooli')).map((t) => `${t.ref} ${t.dueAt}`)).toContain(
      'review.mid_year 2027-06-17T09:00:00.000Z',
    );
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  }, 120_000);
});
