import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { ReviewRecord } from '#core/workflows/review-record';
import { sesMailer } from '#functions/shared/mailer';
import { syncReviewTimers } from '#functions/shared/review-timers';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, type WorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { unsubscribe } from '#store/contact-preferences-store';
import { listNotSent } from '#store/send-ledger-store';
import { pendingTimers } from '#store/timer-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { serveLocally } from '../support/local-api.ts';
import { inbox, type StoredEmail } from '../support/ses-mail.ts';

/**
 * A review moved through the API sends an updated invitation (issue 15): same UID, higher SEQUENCE, the new time,
 * through the ReviewProgramme state machine and the executor's restraint, once per move. SES local's inbox is what
 * the contacts see.
 */
describe('a Core review moved through the API', () => {
  const ADMIN = 'cg_test_reschedule_admin';
  const REVIEW = 'cadence.mid_year.20260701';
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  let mail: ReturnType<typeof inbox>;
  let api: { base: string; close(): Promise<void> };
  const hooli = account('hooli', {
    segment: 'core',
    contacts: [
      { id: 'hal', email: 'hal@hooli.example', name: 'Hal', role: 'sponsor', timezone: 'Europe/Paris' },
      { id: 'ada', email: 'ada@hooli.example', name: 'Ada', role: 'admin', timezone: 'Europe/Paris' },
    ],
    contract: { startDate: '2025-05-01', renewalDate: '2027-05-01', arr: 48_000 },
  });

  const reschedule = async (startsAt: string) => {
    const response = await fetch(`${api.base}/v1/accounts/hooli/reviews/${REVIEW}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'rescheduled', startsAt, by: 'Casey Morgan' }),
    });
    return { status: response.status, body: (await response.json()) as ReviewRecord };
  };

  const icsOf = (email: StoredEmail | undefined) => {
    const content = email?.attachments?.find((a) => a.filename?.endsWith('.ics'))?.content ?? '';
    return content.includes('BEGIN:VCALENDAR') ? content : Buffer.from(content, 'base64').toString('utf8');
  };

  beforeAll(async () => {
    db = await createTestDb();
    clock = new VirtualClock('2026-06-01T00:00:00Z');
    ses = await startSesLocal();
    mail = inbox(ses);
    engine = createWorkflowEngine(testDeps(db, clock), {
      mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }),
      schedules: false,
    });
    await registerApiKey(db, ADMIN, 'test', clock.now());
    api = await serveLocally(testDeps(db, clock));
    await upsertAccount(db, hooli, clock.now());
    await syncReviewTimers(db, hooli, clock.now(), defaultConfig);
    // The mid-year check of 1 July is booked and invited on 17 June.
    await engine.advance('2026-06-18T20:30:00Z', clock);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await ses?.stop();
  });

  it('sends each contact an updated .ics (same UID, SEQUENCE 1, the new time) once, out of quiet hours, and none to one who unsubscribed', async () => {
    // Prepare: both contacts hold the first invitation; Ada unsubscribes afterwards.
    const first = await mail.to('hal@hooli.example');
    expect(first.map((m) => m.subject)).toEqual(['Health-check review: Account hooli']);
    expect(icsOf(first[0])).toContain('SEQUENCE:0');
    expect(await mail.to('ada@hooli.example')).toHaveLength(1);
    await unsubscribe(db, 'hooli', 'ada', clock.now().toISOString());

    // Act: at 22:30 in Paris (quiet hours) the CSM moves the review a week later.
    const moved = await reschedule('2026-07-08T08:00:00Z');
    expect(moved.status).toBe(200);
    expect(moved.body.rescheduledFrom).toEqual(['2026-07-01T08:00:00.000Z']);
    // An account update in between (it syncs the programme's timers) leaves the move's timer alone.
    await syncReviewTimers(db, hooli, clock.now(), defaultConfig);
    expect((await pendingTimers(db, 'hooli')).map((t) => t.ref)).toContain(`reschedule.${REVIEW}`);
    await engine.advance('2026-06-18T20:45:00Z', clock);

    // Assess: the CSM has the update at once; Hal's waits for 08:00 in Paris.
    const csm = await mail.to('casey@vendor.example');
    expect(csm.map((m) => m.subject)).toEqual([
      'Health-check review: Account hooli',
      'Moved: Health-check review: Account hooli',
    ]);
    expect(await mail.to('hal@hooli.example')).toHaveLength(1);
    await engine.advance('2026-06-19T12:00:00Z', clock);
    const [, update, ...more] = await mail.to('hal@hooli.example');
    expect(more).toEqual([]);
    expect(update?.subject).toBe('Moved: Health-check review: Account hooli');
    expect(update?.body.text).toContain('Wednesday 2026-07-08 at 10:00 (Europe/Paris)');
    const ics = icsOf(update);
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${REVIEW}@churnguard`);
    expect(ics).toContain('SEQUENCE:1');
    expect(ics).toContain('DTSTART:20260708T080000Z');
    expect(ics).toContain('DTEND:20260708T090000Z');
    const runsBefore = engine.runtime.executions().length;

    // Ada, unsubscribed, gets no update, and the not-sent ledger says why.
    expect(await mail.to('ada@hooli.example')).toHaveLength(1);
    const notSent = await listNotSent(db, 'hooli');
    expect(
      notSent.filter((row) => row.recipientId === 'ada').map((row) => `${row.occurrence} ${row.reason}`),
    ).toEqual(['update.1 unsubscribed']);

    // A repeated report of the same move sets its timer again; the replayed run sends nothing more.
    const again = await reschedule('2026-07-08T08:00:00Z');
    expect(again.body.rescheduledFrom).toEqual(['2026-07-01T08:00:00.000Z']);
    await engine.advance('2026-06-19T13:00:00Z', clock);
    expect(engine.runtime.executions().length).toBeGreaterThan(runsBefore);
    expect(await mail.to('hal@hooli.example')).toHaveLength(2);
    expect(await mail.to('casey@vendor.example')).toHaveLength(2);
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  }, 180_000);
});
