import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { createRisksHandler } from '#functions/risks/app';
import { sesMailer } from '#functions/shared/mailer';
import { syncRenewalTimers } from '#functions/shared/renewal-timers';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, deployedStateMachines, type WorkflowEngine } from '#local/workflow-engine';
import { checkWorkflowDefinitions } from '#local/workflows/check';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { getOpenRisk, listRisks, regionalReview } from '#store/risk-store';
import { listNotSent } from '#store/send-ledger-store';
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { createTestDb, dumpTable, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';
import { inbox } from '../support/ses-mail.ts';

const RENEWAL = '2026-12-01';

describe('workflow definitions', () => {
  it('use JSONPath only, wait seconds at most, and retry Lambda faults', () => {
    const machines = deployedStateMachines();
    expect(machines.map((m) => m.name)).toEqual(
      expect.arrayContaining(['RenewalCheckpoint', 'RiskEscalation', 'MilestoneJourney']),
    );
    expect(checkWorkflowDefinitions(machines)).toEqual([]);
  });

  it('evaluate, apply and deliver as tasks of their own definition, so the history shows decision and deed', () => {
    for (const machine of deployedStateMachines()) {
      const states = machine.definition.States as Record<string, { Type: string }>;
      expect(Object.keys(states)).toEqual(expect.arrayContaining(['Evaluate', 'Apply', 'DeliverEach']));
    }
  });
});

describe('renewal countdown and red-account escalation on the virtual clock', () => {
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  let mail: ReturnType<typeof inbox>;
  const acme = account('acme', {
    region: 'EMEA',
    goLiveDate: '2025-06-01',
    contacts: [
      {
        id: 'acme-sponsor',
        email: 'sofia@acme.example',
        name: 'Sofia Sponsor',
        role: 'sponsor',
        timezone: 'Europe/Berlin',
      },
      {
        id: 'acme-admin',
        email: 'admin@acme.example',
        name: 'Ada Admin',
        role: 'admin',
        timezone: 'Europe/Berlin',
      },
    ],
    // Tier A (ARR >= 150k): the Core program, high touch, so the renewal review is an Annual Customer Review.
    arr: 200_000,
    manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
    contract: { startDate: '2025-12-01', renewalDate: RENEWAL, arr: 200_000 },
  });
  const deps = () => useCaseDeps({ db, clock, logger: silentLogger() });
  const steadyUse = (from: string, days: number) =>
    Array.from({ length: days }, (_, d) => {
      const day = new Date(Date.parse(`${from}T10:00:00Z`) + d * 86_400_000).toISOString();
      return [0, 1, 2, 3, 4, 5, 6, 7].flatMap((u) => [
        { id: `login-${day}-${u}`, accountId: 'acme', type: 'login', occurredAt: day, userId: `u${u}` },
        {
          id: `feature-${day}-${u}`,
          accountId: 'acme',
          type: 'feature_used',
          occurredAt: day,
          userId: `u${u}`,
          attributes: { feature: `f${(d + u) % 7}` },
        },
      ]);
    }).flat();

  beforeAll(async () => {
    db = await createTestDb();
    clock = new VirtualClock('2026-06-01T00:00:00Z');
    ses = await startSesLocal();
    mail = inbox(ses);
    engine = createWorkflowEngine(
      { db, clock, logger: silentLogger() },
      { mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }) },
    );
    await upsertAccount(db, acme, clock.now());
    await syncRenewalTimers(db, acme, clock.now(), defaultConfig.timers);
    // A healthy, well-used account: eight people log in and use the product every day.
    await ingest(deps(), steadyUse('2026-04-01', 61));
  });

  afterAll(async () => {
    await ses.stop();
  });

  it('schedules the checkpoints T-180 ... T-0 before the renewal date', async () => {
    const pending = await pendingTimers(db, 'acme');
    expect(pending.map((t) => `${t.ref} ${t.dueAt.slice(0, 10)}`)).toEqual([
      'T-180 2026-06-04',
      'T-120 2026-08-03',
      'T-90 2026-09-02',
      'T-60 2026-10-02',
      'T-30 2026-11-01',
      'T-7 2026-11-24',
      'T-0 2026-12-01',
    ]);
  });

  it('notes "on track" at T-180 for a healthy account, and mails nobody', async () => {
    await ingest(deps(), steadyUse('2026-06-01', 5));
    await engine.advance('2026-06-05T00:00:00Z', clock);
    const timeline = await readTimeline(db, 'acme');
    expect(timeline.map((e) => e.action)).toEqual(['renewal_checkpoint']);
    expect(timeline[0]?.what).toBe('Renewal checkpoint T-180: on track, nothing to do');
    expect(await mail.all()).toEqual([]);
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  });

  it('opens a risk the day the sponsor leaves, months before renewal, and mails the CSM why and what to do', async () => {
    // Act: the sponsor leaves on 20 June, 164 days before renewal; nothing waits for a checkpoint.
    await ingest(deps(), steadyUse('2026-06-05', 15));
    await engine.advance('2026-06-20T10:00:00Z', clock);
    await ingest(deps(), [
      { id: 'sp-1', accountId: 'acme', type: 'sponsor_left', occurredAt: '2026-06-20T09:30:00Z' },
    ]);
    await engine.advance('2026-06-20T11:00:00Z', clock);
    // Assess: the risk, its tier-1 deadline, and the mail that says so.
    const risk = await getOpenRisk(db, 'acme');
    expect(risk).toMatchObject({ tier: 1, primaryCause: 'sponsor_change', strategy: 'recover' });
    const opened = (await readTimeline(db, 'acme')).find((e) => e.action === 'risk_opened');
    expect(opened).toMatchObject({
      at: '2026-06-20T10:00:00.000Z',
      what: 'Risk opened at tier 1 (recover): sponsor_change; acknowledge by 2026-06-27',
      why: 'the sponsor left today and nobody has taken over',
    });
    expect(opened?.execution).toMatch(/^acme-signal_sp-1-/);
    const [notice] = await mail.to('casey@vendor.example');
    expect(notice?.subject).toBe('[churnguard] Account acme: risk opened (recover, sponsor_change)');
    expect(notice?.body.text).toContain('Why:\n- the sponsor left today and nobody has taken over');
    expect(notice?.body.text).toContain(
      'What to do:\n- Book a success-plan reset with the sponsor within 7 days.',
    );
    expect(notice?.body.text).toContain(`POST http://127.0.0.1:3000/v1/risks/${risk?.riskId}/ack`);
    // The success-plan reset would go to the sponsor, who has left: it is not sent, and the ledger says why.
    expect(await listNotSent(db, 'acme')).toEqual([
      expect.objectContaining({ playId: 'success_plan_reset', reason: 'contact_left' }),
    ]);
    expect(await mail.to('sofia@acme.example')).toEqual([]);
  });

  it('brings in the manager at tier 2 and the regional review at tier 3 when nobody acknowledges', async () => {
    await engine.advance('2026-07-05T00:00:00Z', clock);
    const risk = await getOpenRisk(db, 'acme');
    expect(risk?.tier).toBe(3);
    const escalations = (await readTimeline(db, 'acme')).filter((e) => e.action === 'risk_escalated');
    expect(escalations.map((e) => e.what)).toEqual([
      'Risk raised to tier 2: Morgan Lead (manager) asked to step in, acknowledge by 2026-07-04',
      'Risk raised to tier 3: on the EMEA weekly cross-functional review',
    ]);
    const managerMail = await mail.to('morgan@vendor.example');
    expect(managerMail.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        '[churnguard] Account acme: risk raised to tier 2',
        '[churnguard] Account acme: risk raised to tier 3',
      ]),
    );
    expect(managerMail.find((m) => m.subject.endsWith('tier 2'))?.body.text).toContain(
      'tier 1 was not acknowledged by its deadline',
    );
    expect(await regionalReview(db, 'EMEA')).toEqual([
      expect.objectContaining({ accountId: 'acme', riskId: risk?.riskId }),
    ]);
  });

  it('lists the account in the Monday EMEA digest to its manager and CSM, once a week', async () => {
    const digests = (await mail.all()).filter((e) => e.subject.startsWith('EMEA weekly risk review'));
    // Mondays 22 and 29 June: one mail a week to both, each with what changed.
    expect(digests.map((d) => d.destination.to)).toEqual([
      ['casey@vendor.example', 'morgan@vendor.example'],
      ['casey@vendor.example', 'morgan@vendor.example'],
    ]);
    expect(digests[0]?.subject).toBe('EMEA weekly risk review: 1 account at risk, EUR 200,000 ARR');
    expect(digests[0]?.body.text).toContain('new: Account acme');
    expect(digests[1]?.body.text).toContain('raised to tier 2: Account acme');
  });

  it('invites the CSM to the Annual Customer Review with an .ics, at T-120 as the renewal is at risk, not the sponsor who left', async () => {
    await engine.advance('2026-08-04T00:00:00Z', clock);
    const invitations = (await mail.all()).filter((e) => e.subject.startsWith('Annual Customer Review'));
    expect(invitations.map((i) => i.destination.to)).toEqual([['casey@vendor.example']]);
    const ics = Buffer.from(invitations[0]?.attachments?.[0]?.content ?? '', 'base64').toString('utf8');
    expect(invitations[0]?.attachments?.[0]?.filename).toBe('review.ics');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain('DTSTART:20260817T150000Z');
    expect((await listNotSent(db, 'acme')).map((r) => `${r.playId} ${r.recipientId} ${r.reason}`)).toContain(
      'review_invitation acme-sponsor contact_left',
    );
    const scheduled = (await readTimeline(db, 'acme')).filter((e) => e.action === 'review_scheduled');
    expect(scheduled.map((e) => e.what)).toEqual([
      'Annual Customer Review: Account acme proposed for 2026-08-17 at 15:00 UTC',
    ]);
  });

  it('takes the review outcome from a meeting signal that names the review', async () => {
    await ingest(deps(), [
      {
        id: 'mh-1',
        accountId: 'acme',
        type: 'meeting_held',
        occurredAt: clock.now().toISOString(),
        attributes: { reviewId: 'T-120-2026-12-01' },
      },
    ]);
    const [review] = await dumpTable(db, (item) => item.kind === 'review');
    expect(review).toMatchObject({ reviewKind: 'annual_customer_review', status: 'held' });
  });

  it('duplicates nothing when the dispatcher runs again or executions are started twice', async () => {
    const before = await readTimeline(db, 'acme');
    const mails = (await mail.all()).length;
    expect(await engine.dispatch()).toMatchObject({ due: 0 });
    for (const execution of engine.runtime.executions()) {
      const kind =
        execution.stateMachineName === 'RenewalCheckpoint' ? 'renewal_checkpoint' : 'risk_deadline';
      expect(
        await engine.starter.start(kind, execution.executionName, execution.input as Record<string, unknown>),
      ).toBe('already_started');
    }
    expect(await readTimeline(db, 'acme')).toEqual(before);
    expect((await mail.all()).length).toBe(mails);
    expect(await listRisks(db, 'acme')).toHaveLength(1);
  });

  it('moves the checkpoints when the renewal date moves', async () => {
    const moved = { ...acme, contract: { ...acme.contract, renewalDate: '2027-03-01' } };
    await upsertAccount(db, moved, clock.now());
    await syncRenewalTimers(db, moved, clock.now(), defaultConfig.timers);
    const pending = (await pendingTimers(db, 'acme')).filter((t) => t.kind === 'renewal_checkpoint');
    expect(pending.map((t) => `${t.ref} ${t.dueAt.slice(0, 10)}`)).toEqual([
      'T-180 2026-09-02',
      'T-120 2026-11-01',
      'T-90 2026-12-01',
      'T-60 2026-12-31',
      'T-30 2027-01-30',
      'T-7 2027-02-22',
      'T-0 2027-03-01',
    ]);
  });

  it('closes the countdown and the risk on a renewal outcome, and does nothing further', async () => {
    await ingest(deps(), [
      {
        id: 'out-1',
        accountId: 'acme',
        type: 'renewal_outcome',
        occurredAt: clock.now().toISOString(),
        attributes: { outcome: 'churned' },
      },
    ]);
    await engine.advance('2026-09-04T00:00:00Z', clock);
    expect(await getOpenRisk(db, 'acme')).toBeUndefined();
    const closing = (await readTimeline(db, 'acme')).slice(-3).map((e) => `${e.action}: ${e.why}`);
    expect(closing).toEqual(
      expect.arrayContaining([
        'renewal_closed: renewal_outcome signal out-1',
        'risk_closed: renewal resolved: churned',
      ]),
    );
    expect(await pendingTimers(db, 'acme')).toEqual([]);
    // A month on: no checkpoint, no check, no message for an account that churned.
    const before = (await readTimeline(db, 'acme')).length;
    const aboutAcme = async () => (await mail.all()).filter((m) => m.subject.includes('Account acme')).length;
    const mails = await aboutAcme();
    await engine.advance('2026-10-05T00:00:00Z', clock);
    expect(await readTimeline(db, 'acme')).toHaveLength(before);
    expect(await aboutAcme()).toBe(mails);
  });
});

describe('what a CSM does to a risk over the API', () => {
  const KEY = 'cg_workflow_test';
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let api: ReturnType<typeof createRisksHandler>;
  const call = (routeKey: string, pathParameters: Record<string, string>, body?: unknown) =>
    api(
      httpEvent(routeKey, {
        headers: { authorization: `Bearer ${KEY}` },
        pathParameters,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const globex = account('globex', {
    goLiveDate: '2025-01-01',
    contract: { startDate: '2025-12-01', renewalDate: RENEWAL, arr: 60_000 },
  });

  beforeAll(async () => {
    db = await createTestDb();
    clock = new VirtualClock('2026-08-20T00:00:00Z');
    const deps = { db, clock, logger: silentLogger() };
    engine = createWorkflowEngine(deps);
    api = createRisksHandler(deps);
    await registerApiKey(db, KEY, 'test', clock.now());
    await upsertAccount(db, globex, clock.now());
    await ingest(useCaseDeps(deps), [
      { id: 'sp', accountId: 'globex', type: 'sponsor_left', occurredAt: clock.now().toISOString() },
    ]);
    await engine.advance('2026-08-21T00:00:00Z', clock);
  });

  it('keeps the first acknowledgement of a tier, its note and author, whatever is sent again', async () => {
    const risk = await getOpenRisk(db, 'globex');
    expect(risk?.tier).toBe(1);
    const first = await call(
      'POST /v1/risks/{id}/ack',
      { id: risk?.riskId ?? '' },
      { note: 'Meeting the new director on Friday', by: 'Casey' },
    );
    expect(first.statusCode).toBe(200);
    clock.set('2026-08-22T00:00:00Z');
    const again = await call(
      'POST /v1/risks/{id}/ack',
      { id: risk?.riskId ?? '' },
      { note: 'Moved to Monday' },
    );
    expect(JSON.parse(again.body ?? '{}')).toMatchObject({
      acknowledgedAt: '2026-08-21T00:00:00.000Z',
      ackNote: 'Meeting the new director on Friday',
      acknowledgedBy: 'Casey',
    });
    const response = await call('GET /v1/accounts/{id}/timeline', { id: 'globex' });
    const body = JSON.parse(response.body ?? '{}') as {
      entries: { action: string; what: string; why: string }[];
      upcoming: { kind: string }[];
    };
    expect(body.entries.filter((e) => e.action === 'risk_acknowledged')).toEqual([
      expect.objectContaining({
        what: 'Tier 1 risk acknowledged by Casey',
        why: 'Meeting the new director on Friday',
      }),
    ]);
    expect(body.upcoming.map((u) => u.kind)).toContain('risk_deadline');
  });

  it('lets the CSM set the root cause, and the strategy follows it', async () => {
    const risk = await getOpenRisk(db, 'globex');
    const response = await call(
      'POST /v1/risks/{id}/causes',
      { id: risk?.riskId ?? '' },
      { primary: 'product_gaps', secondary: 'sponsor_change', by: 'Casey' },
    );
    expect(response.statusCode).toBe(200);
    expect(await getOpenRisk(db, 'globex')).toMatchObject({
      primaryCause: 'product_gaps',
      secondaryCause: 'sponsor_change',
      strategy: 'rescue',
      causeOverriddenBy: 'Casey',
    });
    const unknown = await call(
      'POST /v1/risks/{id}/causes',
      { id: risk?.riskId ?? '' },
      { primary: 'bad_luck', by: 'C' },
    );
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body ?? '{}').message).toMatch(
      /^primary "bad_luck" is not a root cause; root causes are /,
    );
  });

  it('closes the risk when the CSM resolves it, cancels its deadline, and answers 409 after', async () => {
    const risk = await getOpenRisk(db, 'globex');
    const response = await call(
      'POST /v1/risks/{id}/resolve',
      { id: risk?.riskId ?? '' },
      { note: 'New director signed the success plan', by: 'Casey' },
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      status: 'closed',
      closeReason: 'resolved by Casey: New director signed the success plan',
    });
    expect((await pendingTimers(db, 'globex')).map((t) => t.kind)).not.toContain('risk_deadline');
    const later = await call('POST /v1/risks/{id}/ack', { id: risk?.riskId ?? '' }, { note: 'x' });
    expect(later.statusCode).toBe(409);
  });

  it('answers 404 for an unknown risk and 400 without a note', async () => {
    expect(
      (await call('POST /v1/risks/{id}/ack', { id: 'r.bm9ib2R5.202601010000' }, { note: 'x' })).statusCode,
    ).toBe(404);
    const missing = await call('POST /v1/risks/{id}/resolve', { id: 'r.bm9ib2R5.202601010000' }, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('note');
  });
});
