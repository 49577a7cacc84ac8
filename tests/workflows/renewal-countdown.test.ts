import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRegionalDigests } from '#functions/digest/app';
import { createRisksHandler } from '#functions/risks/app';
import { ingestSignals } from '#functions/shared/ingest';
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
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { createTestDb, dumpTable, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const RENEWAL = '2026-12-01';

describe('workflow definitions', () => {
  it('use JSONPath only, wait seconds at most, and retry Lambda faults', () => {
    const machines = deployedStateMachines();
    expect(machines.map((m) => m.name)).toEqual(
      expect.arrayContaining(['RenewalCheckpoint', 'RiskEscalation']),
    );
    expect(checkWorkflowDefinitions(machines)).toEqual([]);
  });
});

describe('renewal countdown on the virtual clock', () => {
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  const acme = account('acme', {
    region: 'EMEA',
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

  beforeAll(async () => {
    db = await createTestDb();
    clock = new VirtualClock('2026-01-05T00:00:00Z');
    ses = await startSesLocal();
    engine = createWorkflowEngine(
      { db, clock, logger: silentLogger() },
      { mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }) },
    );
    await upsertAccount(db, acme, clock.now());
    await syncRenewalTimers(db, acme, clock.now());
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

  it('notes "on track" at T-180 and T-120 for a quiet account', async () => {
    await engine.advance('2026-08-23T00:00:00Z', clock);
    const timeline = await readTimeline(db, 'acme');
    expect(timeline.map((e) => e.action)).toEqual(['renewal_checkpoint', 'renewal_checkpoint']);
    expect(timeline[0]?.what).toContain('T-180');
    expect(timeline[1]?.what).toContain('on track');
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  });

  it('escalates at T-90 when the sponsor left and the customer asked to cut the contract, 100 days out', async () => {
    const at = clock.now().toISOString();
    const result = await ingestSignals(
      db,
      [
        { id: 'sp-1', accountId: 'acme', type: 'sponsor_left', occurredAt: at },
        {
          id: 'cc-1',
          accountId: 'acme',
          type: 'contract_change_requested',
          occurredAt: at,
          attributes: { direction: 'reduce' },
        },
      ],
      clock.now(),
    );
    expect(result.accepted).toBe(2);
    await engine.advance('2026-09-05T00:00:00Z', clock);
    const risk = await getOpenRisk(db, 'acme');
    expect(risk).toMatchObject({
      tier: 1,
      primaryCause: 'price_pressure',
      secondaryCause: 'sponsor_change',
      strategy: 'farewell',
    });
    const timeline = await readTimeline(db, 'acme');
    const opened = timeline.find((e) => e.action === 'risk_opened');
    expect(opened?.what).toContain('Casey Morgan (CSM) notified, acknowledge by 2026-09-09');
    expect(opened?.execution).toMatch(/^acme-T-90-/);
  });

  it('invites the CSM and the sponsor to the Annual Customer Review at T-90, with an .ics, once', async () => {
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: {
        subject: string;
        destination: { to: string[] };
        attachments: { filename?: string; content: string }[];
      }[];
    };
    const invitations = store.emails.filter((e) => e.subject.startsWith('Annual Customer Review'));
    expect(invitations).toHaveLength(1);
    expect(invitations[0]?.destination.to).toEqual(['casey@vendor.example', 'sofia@acme.example']);
    const ics = Buffer.from(invitations[0]?.attachments[0]?.content ?? '', 'base64').toString('utf8');
    expect(invitations[0]?.attachments[0]?.filename).toBe('review.ics');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain('DTSTART:20260916T150000Z');
    expect(ics).toContain(
      'ATTENDEE;CN=Sofia Sponsor;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:sofia@acme.example',
    );
    const scheduled = (await readTimeline(db, 'acme')).filter((e) => e.action === 'review_scheduled');
    expect(scheduled.map((e) => e.what)).toEqual([
      'Annual Customer Review: Account acme proposed for 2026-09-16; invitation with .ics sent to 2 people',
    ]);
  });

  it('takes the review outcome from a meeting signal that names the review', async () => {
    const reviewId = 'T-90-2026-12-01';
    await ingestSignals(
      db,
      [
        {
          id: 'mh-1',
          accountId: 'acme',
          type: 'meeting_held',
          occurredAt: clock.now().toISOString(),
          attributes: { reviewId },
        },
      ],
      clock.now(),
    );
    const [review] = await dumpTable(db, (item) => item.kind === 'review');
    expect(review).toMatchObject({ reviewId, reviewKind: 'annual_customer_review', status: 'held' });
  });

  it('raises tier 2 then tier 3 when nobody acknowledges, putting the account on the EMEA weekly review', async () => {
    await engine.advance('2026-09-30T00:00:00Z', clock);
    const risk = await getOpenRisk(db, 'acme');
    expect(risk?.tier).toBe(3);
    const escalations = (await readTimeline(db, 'acme')).filter((e) => e.action === 'risk_escalated');
    expect(escalations.map((e) => e.what)).toEqual([
      'Risk raised to tier 2: Morgan Lead brought in, acknowledge by 2026-09-16',
      'Risk raised to tier 3: on the EMEA weekly cross-functional review',
    ]);
    expect(await regionalReview(db, 'EMEA')).toEqual([
      expect.objectContaining({ accountId: 'acme', riskId: risk?.riskId }),
    ]);
  });

  it('lists the account in the EMEA weekly digest to its manager and CSM, and says what changed', async () => {
    const mailer = sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint });
    expect(await sendRegionalDigests(db, mailer, clock.now())).toEqual([
      { region: 'EMEA', to: ['casey@vendor.example', 'morgan@vendor.example'], accounts: 1 },
    ]);
    await sendRegionalDigests(db, mailer, new Date('2026-10-07T08:00:00Z'));
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: { subject: string; body: { text?: string } }[];
    };
    const digests = store.emails.filter((e) => e.subject.startsWith('EMEA weekly risk review'));
    expect(digests.map((d) => d.subject)).toEqual([
      'EMEA weekly risk review: 1 account at risk, EUR 200,000 ARR',
      'EMEA weekly risk review: 1 account at risk, EUR 200,000 ARR',
    ]);
    expect(digests[0]?.body.text).toContain(
      'Account acme | tier 3 | price_pressure | 27 days open | EUR 200,000 | farewell',
    );
    expect(digests[0]?.body.text).toContain('new: Account acme');
    expect(digests[1]?.body.text).toContain('no change');
  });

  it('duplicates nothing when the dispatcher runs again or executions are started twice', async () => {
    const before = await readTimeline(db, 'acme');
    const executions = engine.runtime.executions();
    expect(await engine.dispatch()).toMatchObject({ due: 0 });
    for (const execution of executions) {
      const kind =
        execution.stateMachineName === 'RenewalCheckpoint' ? 'renewal_checkpoint' : 'risk_deadline';
      expect(
        await engine.starter.start(kind, execution.executionName, execution.input as Record<string, unknown>),
      ).toBe('already_started');
    }
    expect(await readTimeline(db, 'acme')).toEqual(before);
    expect(await listRisks(db, 'acme')).toHaveLength(1);
  });

  it('moves the checkpoints when the renewal date moves', async () => {
    const moved = { ...acme, contract: { ...acme.contract, renewalDate: '2027-03-01' } };
    await upsertAccount(db, moved, clock.now());
    await syncRenewalTimers(db, moved, clock.now());
    const pending = (await pendingTimers(db, 'acme')).filter((t) => t.kind === 'renewal_checkpoint');
    expect(pending.map((t) => `${t.ref} ${t.dueAt.slice(0, 10)}`)).toEqual([
      'T-120 2026-11-01',
      'T-90 2026-12-01',
      'T-60 2026-12-31',
      'T-30 2027-01-30',
      'T-7 2027-02-22',
      'T-0 2027-03-01',
    ]);
  });

  it('gives a churned account no further actions', async () => {
    const churnedAt = clock.now().toISOString();
    await ingestSignals(
      db,
      [
        {
          id: 'out-1',
          accountId: 'acme',
          type: 'renewal_outcome',
          occurredAt: churnedAt,
          attributes: { outcome: 'churned' },
        },
      ],
      clock.now(),
    );
    expect(await pendingTimers(db, 'acme')).toEqual([]);
    expect(await getOpenRisk(db, 'acme')).toBeUndefined();
    const before = (await readTimeline(db, 'acme')).length;
    await engine.advance('2027-04-01T00:00:00Z', clock);
    const timeline = await readTimeline(db, 'acme');
    expect(timeline).toHaveLength(before);
    expect(timeline.at(-1)).toMatchObject({
      action: 'renewal_closed',
      what: 'Renewal churned: countdown closed, open risk closed',
    });
  });
});

describe('acknowledging a risk and reading the timeline over the API', () => {
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
    await syncRenewalTimers(db, globex, clock.now());
    await ingestSignals(
      db,
      [{ id: 'sp', accountId: 'globex', type: 'sponsor_left', occurredAt: clock.now().toISOString() }],
      clock.now(),
    );
    await engine.advance('2026-09-03T00:00:00Z', clock);
  });

  it('records the acknowledgement once, with its note, on the risk and the timeline', async () => {
    const risk = await getOpenRisk(db, 'globex');
    expect(risk?.tier).toBe(1);
    const first = await call(
      'POST /v1/risks/{id}/ack',
      { id: risk?.riskId ?? '' },
      { note: 'Meeting the new director on Friday', by: 'Casey' },
    );
    expect(first.statusCode).toBe(200);
    clock.set('2026-09-04T00:00:00Z');
    const again = await call(
      'POST /v1/risks/{id}/ack',
      { id: risk?.riskId ?? '' },
      { note: 'Meeting moved to Monday' },
    );
    expect(JSON.parse(again.body ?? '{}')).toMatchObject({
      acknowledgedAt: '2026-09-03T00:00:00.000Z',
      ackNote: 'Meeting moved to Monday',
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

  it('answers 404 for an unknown risk and 400 without a note', async () => {
    expect(
      (await call('POST /v1/risks/{id}/ack', { id: 'r.bm9ib2R5.202601010000' }, { note: 'x' })).statusCode,
    ).toBe(404);
    const risk = await getOpenRisk(db, 'globex');
    const missing = await call('POST /v1/risks/{id}/ack', { id: risk?.riskId ?? '' }, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('note');
  });
});
