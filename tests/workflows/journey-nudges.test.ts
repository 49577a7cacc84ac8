import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput } from '#core/accounts';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { ingestSignals } from '#functions/shared/ingest';
import { syncJourneyTimers } from '#functions/shared/journey-timers';
import { sesMailer } from '#functions/shared/mailer';
import { createUnsubscribeHandler } from '#functions/unsubscribe/app';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, deployedStateMachines, type WorkflowEngine } from '#local/workflow-engine';
import { checkWorkflowDefinitions } from '#local/workflows/check';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { listNotSent, listSends } from '#store/send-ledger-store';
import { pendingTimers } from '#store/timer-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { loadAccountView, useCaseDeps } from '#usecases/account-view';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';
import { inbox } from '../support/ses-mail.ts';

const GO_LIVE = '2026-01-15'; // a Thursday; day 5 is Tuesday 20 January

describe('milestone journey on the virtual clock, mailing through SES local', () => {
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  const mail = () => inbox(ses).all();
  const mailTo = (address: string) => inbox(ses).to(address);
  const live = (id: string): AccountInput => account(id, { goLiveDate: GO_LIVE });
  const login = (accountId: string, at: string) => ({
    id: `login-${accountId}-${at}`,
    accountId,
    type: 'login' as const,
    occurredAt: at,
    userId: `${accountId}-admin`,
  });

  beforeAll(async () => {
    db = await createTestDb();
    ses = await startSesLocal();
    await inbox(ses).clear();
    clock = new VirtualClock(`${GO_LIVE}T06:00:00Z`);
    engine = createWorkflowEngine(
      { db, clock, logger: silentLogger() },
      { mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }) },
    );
    for (const id of ['early', 'quiet', 'red', 'unsub']) {
      await upsertAccount(db, live(id), clock.now());
      await syncJourneyTimers(db, live(id), clock.now());
    }
    // Day 3: the admins of early, red and unsub log in; red is in trouble (NPS 0, urgent tickets, sponsor gone).
    const day3 = '2026-01-18T07:00:00Z';
    clock.set('2026-01-20T23:00:00Z');
    await ingestSignals(
      db,
      [
        login('early', day3),
        login('red', day3),
        login('unsub', day3),
        // The healthy ones get going in earnest from day 3 (several users, features, usage).
        ...realisticSignals(['early', 'unsub'], 3, 40, '2026-01-18'),
        ...[0, 1, 2].map((n) => ({
          id: `nps-${n}`,
          accountId: 'red',
          type: 'nps' as const,
          occurredAt: day3,
          value: 0,
        })),
        ...[1, 2].map((n) => ({
          id: `t-${n}`,
          accountId: 'red',
          type: 'ticket_opened' as const,
          occurredAt: day3,
          attributes: { ticketId: `T${n}`, priority: 'urgent' },
        })),
        { id: 'sp', accountId: 'red', type: 'sponsor_left' as const, occurredAt: day3 },
        { id: 'csat', accountId: 'red', type: 'csat' as const, occurredAt: day3, value: 1 },
      ],
      clock.now(),
    );
    // The unsub admin clicks the one-click unsubscribe link (RFC 8058 POST) before day 5.
    const token = unsubscribeToken(await unsubscribeSecret(db), 'unsub', 'unsub-admin');
    const messaging = createUnsubscribeHandler({ db, clock, logger: silentLogger() });
    const response = await messaging(
      httpEvent('POST /v1/unsubscribe/{token}', {
        pathParameters: { token },
        body: 'List-Unsubscribe=One-Click',
      }),
    );
    expect(response.statusCode).toBe(200);
  });

  afterAll(async () => {
    await ses?.stop();
  });

  it('schedules a due and a grace check for each milestone of the journey', async () => {
    const pending = (await pendingTimers(db, 'quiet')).filter((t) => t.kind === 'journey_milestone');
    // Account quiet has ARR 48,000: tier C, the transactional segment, whose journey gives 7 grace days.
    expect(pending.filter((t) => t.ref.startsWith('first_login')).map((t) => `${t.ref} ${t.dueAt}`)).toEqual([
      'first_login.due 2026-01-21T00:00:00.000Z',
      'first_login.grace 2026-01-28T00:00:00.000Z',
    ]);
  });

  it('defers the day-5 messages out of the night in Berlin and sends them at 08:00 local', async () => {
    const bands = await Promise.all(
      ['early', 'red', 'unsub'].map(
        async (id) =>
          (await loadAccountView(useCaseDeps({ db, clock, logger: silentLogger() }), id))?.health.band,
      ),
    );
    expect(bands).toEqual(['green', 'red', 'green']);
    await engine.advance('2026-01-21T06:59:00Z', clock);
    // Nothing to a customer in the night; the CSM alone has mail: the red account's new risk (a notice goes at once).
    expect((await mail()).map((m) => m.destination.to.join())).toEqual(['casey@vendor.example']);
    const deferred = (await listNotSent(db, 'quiet')).filter((r) => r.reason === 'quiet_hours');
    expect(deferred).toEqual([
      expect.objectContaining({ outcome: 'deferred', deferUntil: '2026-01-21T07:00:00.000Z' }),
    ]);
    await engine.advance('2026-01-21T12:00:00Z', clock);
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  });

  it('congratulates the account whose admin logged in on day 3', async () => {
    const [congrats, ...more] = await mailTo('admin@early.example');
    expect(more).toEqual([]);
    expect(congrats?.subject).toBe('Welcome aboard, Ada: Account early is live');
    expect(congrats?.body.text).toContain('logged in for the first time on day 3 after go-live');
    expect(congrats?.body.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:3000\/v1\/unsubscribe\/\S+/);
    expect(congrats?.body.html).toContain('>Unsubscribe</a>');
    expect(congrats?.headers).toEqual(
      expect.arrayContaining([
        {
          name: 'List-Unsubscribe',
          value: expect.stringMatching(/^<http:\/\/127\.0\.0\.1:3000\/v1\/unsubscribe\/.+>$/),
        },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    const [sent] = await listSends(db, 'early');
    expect(sent).toMatchObject({
      playId: 'congratulate_first_login',
      status: 'sent',
      messageId: congrats?.messageId,
    });
  });

  it('nudges the account with no login by day 6', async () => {
    const mails = await mailTo('admin@quiet.example');
    expect(mails.map((m) => m.subject)).toEqual(['Ada, your workspace is waiting']);
    expect(mails[0]?.body.text).toContain('Account quiet has not logged in yet');
  });

  it('sends no congratulations to a red account, and records why', async () => {
    expect(await mailTo('admin@red.example')).toEqual([]);
    expect(await listNotSent(db, 'red')).toEqual([
      expect.objectContaining({
        playId: 'congratulate_first_login',
        recipientId: 'red-admin',
        outcome: 'not_selected',
        reason: 'struggling',
        detail: expect.stringContaining('health is red'),
      }),
    ]);
  });

  it('sends nothing to an unsubscribed contact, and the not-sent ledger says so', async () => {
    expect(await mailTo('admin@unsub.example')).toEqual([]);
    expect(await listNotSent(db, 'unsub')).toEqual([
      expect.objectContaining({
        playId: 'congratulate_first_login',
        outcome: 'dropped',
        reason: 'unsubscribed',
      }),
    ]);
  });

  it('sends nothing twice when executions are started again', async () => {
    const before = (await mail()).length;
    for (const execution of engine.runtime.executions()) {
      expect(
        await engine.starter.start(
          'journey_milestone',
          `${execution.executionName}-again`,
          execution.input as Record<string, unknown>,
        ),
      ).toBe('started');
    }
    expect((await mail()).length).toBe(before);
  });

  it('tells the CSM in the daily notice mail when the first login is still missing after the grace days', async () => {
    await engine.advance('2026-01-28T12:00:00Z', clock);
    const daily = (await mailTo('casey@vendor.example')).filter((m) =>
      m.subject.startsWith('Your churnguard notices'),
    );
    expect(daily.map((m) => m.subject)).toEqual(['Your churnguard notices for 2026-01-28 (EMEA): 1 item']);
    expect(daily[0]?.body.text).toContain('1. [churnguard] Account quiet missed First login');
    expect(daily[0]?.headers ?? []).toEqual([]);
  });
});

describe('workflow definitions with the journey', () => {
  it('include MilestoneJourney and pass the local runtime checks', () => {
    const machines = deployedStateMachines();
    expect(machines.map((m) => m.name)).toContain('MilestoneJourney');
    expect(checkWorkflowDefinitions(machines)).toEqual([]);
  });
});
