import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { type MessageKey, messageKeyId } from '#core/journeys/messages';
import { mjmlCompiler } from '#core/journeys/render';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { createMessagingHandler } from '#functions/messaging/app';
import { createSesEventsHandler } from '#functions/ses-events/app';
import { ingestSignals } from '#functions/shared/ingest';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { createUnsubscribeHandler } from '#functions/unsubscribe/app';
import { VirtualClock } from '#local/virtual-clock';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import {
  listPreferencesAmong,
  suppress,
  suppressedAmong,
  unsubscribedContacts,
} from '#store/contact-preferences-store';
import { listInAppMessages } from '#store/in-app-store';
import {
  claimSend,
  listNotSent,
  listSends,
  markFailed,
  markSent,
  reserveSend,
  toPastSends,
} from '#store/send-ledger-store';
import { readTimeline } from '#store/timeline-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { applyEffects } from '#usecases/apply-effects';
import { deliverMessage, SendThrottled } from '#usecases/deliver-message';
import { evaluateMilestone } from '#usecases/evaluate';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const key = (recipientId: string, occurrence = 'due'): MessageKey => ({
  playId: 'nudge_first_login',
  about: 'first_login',
  recipientId,
  occurrence,
});
const AT = '2026-01-21T09:00:00.000Z';
const owner = { accountId: 'acme' };
const reservation = (recipientId: string) => ({
  owner,
  key: key(recipientId),
  channel: 'email',
  audience: 'contact' as const,
  priority: 50,
  at: AT,
  status: 'reserved' as const,
  outgoing: {
    to: [`${recipientId}@acme.example`],
    cc: [],
    subject: 'Hi',
    text: 'Hello',
    headers: [],
    attachments: [],
  },
  timeline: { action: 'message_sent', what: `nudge to ${recipientId}`, why: 'late' },
});

/** A mailer that keeps what it was given: the port the deliver step sends through (SES in AWS). */
function capturingMailer(fail?: (attempt: number) => Error | undefined): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  let attempt = 0;
  return {
    sent,
    async send(email) {
      attempt++;
      const error = fail?.(attempt);
      if (error) throw error;
      sent.push(email);
      return `msg-${sent.length}`;
    },
  };
}

describe('send ledger', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });

  it('lets exactly one of many concurrent reservations through', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => reserveSend(db, reservation('ann'))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await listSends(db, 'acme')).toEqual([
      expect.objectContaining({ recipientId: 'ann', status: 'reserved' }),
    ]);
  });

  it('lets one of many concurrent deliver runs claim a row, and never a settled one', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => claimSend(db, owner, messageKeyId(key('ann')), AT)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const how = { from: 'sending' as const, at: AT };
    expect(await markSent(db, owner, messageKeyId(key('ann')), 'msg-1', how)).toBe(true);
    expect(await reserveSend(db, reservation('ann'))).toBe(false);
    expect(await claimSend(db, owner, messageKeyId(key('ann')), AT)).toBe(false);
    expect(await listSends(db, 'acme')).toEqual([
      expect.objectContaining({ status: 'sent', messageId: 'msg-1' }),
    ]);
  });

  it('keeps a failed send out of the weekly budget and never sends it again', async () => {
    await reserveSend(db, reservation('bo'));
    await claimSend(db, owner, messageKeyId(key('bo')), AT);
    expect(
      await markFailed(db, owner, messageKeyId(key('bo')), 'MessageRejected', { from: 'sending', at: AT }),
    ).toBe(true);
    expect(await reserveSend(db, reservation('bo'))).toBe(false);
    expect(toPastSends(await listSends(db, 'acme')).map((s) => s.recipientId)).toEqual(['ann']);
  });

  it('keeps the suppression list by lower-case address', async () => {
    await suppress(db, 'Bounced@Acme.example', 'bounce', AT);
    expect(await suppressedAmong(db, ['bounced@acme.example', 'fine@acme.example'])).toEqual(
      new Set(['bounced@acme.example']),
    );
  });
});

describe('the deliver step', () => {
  let db: Db;
  const clock = new VirtualClock(AT);
  beforeAll(async () => {
    db = await createTestDb();
  });
  const deps = (mailer: Mailer) => ({ db, clock, logger: silentLogger(), mailer });

  it('sends a reserved message once however many runs deliver it, then says so on the timeline', async () => {
    // Prepare
    await reserveSend(db, reservation('cy'));
    const mailer = capturingMailer();
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => deliverMessage(deps(mailer), { owner, key: messageKeyId(key('cy')) })),
    );
    // Assess: the mail went once; the timeline entry exists because it did.
    expect(outcomes.sort()).toEqual(['already', 'already', 'already', 'already', 'sent']);
    expect(mailer.sent.map((m) => m.to)).toEqual([['cy@acme.example']]);
    const [entry] = (await readTimeline(db, 'acme')).filter(
      (e) => e.cause === `message:${messageKeyId(key('cy'))}`,
    );
    expect(entry).toMatchObject({
      action: 'message_sent',
      what: 'nudge to cy',
      details: { messageId: 'msg-1' },
    });
  });

  it('retries throttling (SES accepted nothing) and sends once it passes', async () => {
    await reserveSend(db, reservation('di'));
    const throttled = Object.assign(new Error('Maximum sending rate exceeded'), {
      name: 'TooManyRequestsException',
    });
    const mailer = capturingMailer((attempt) => (attempt === 1 ? throttled : undefined));
    const delivery = { owner, key: messageKeyId(key('di')) };
    await expect(deliverMessage(deps(mailer), delivery)).rejects.toThrow(SendThrottled);
    expect(await deliverMessage(deps(mailer), delivery)).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('settles any other refusal as failed, says so on the timeline, and never retries it', async () => {
    await reserveSend(db, reservation('ed'));
    const rejected = Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' });
    const mailer = capturingMailer(() => rejected);
    const delivery = { owner, key: messageKeyId(key('ed')) };
    expect(await deliverMessage(deps(mailer), delivery)).toBe('failed');
    expect(await deliverMessage(deps(mailer), delivery)).toBe('already');
    const failed = (await listSends(db, 'acme')).find((s) => s.recipientId === 'ed');
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'MessageRejected: Email address is not verified',
    });
    const [entry] = (await readTimeline(db, 'acme')).filter((e) => e.cause === `message:${delivery.key}`);
    expect(entry).toMatchObject({ action: 'message_failed', what: 'Not delivered: nudge to ed' });
  });
});

describe('the executor under duplicate and concurrent runs of a milestone check', () => {
  let db: Db;
  const clock = new VirtualClock('2026-01-21T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDb();
    await upsertAccount(db, account('dup', { goLiveDate: '2026-01-05' }), clock.now());
    await ingestSignals(db, realisticSignals(['dup'], 5, 40, '2026-01-08'), clock.now());
  });

  const executor = () => ({
    db,
    clock,
    logger: silentLogger(),
    config: defaultConfig,
    compile: mjmlCompiler,
  });
  const check = (milestone: string) =>
    evaluateMilestone(executor(), {
      accountId: 'dup',
      ref: `${milestone}.due`,
      dueAt: '2026-01-11T00:00:00Z',
      milestone,
      phase: 'due',
    });

  it('reserves each email for exactly one of several concurrent applies of the same decision', async () => {
    const evaluation = await check('first_login');
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => applyEffects(executor(), { ...evaluation, execution: 'run' })),
    );
    // Every run that finds the row still reserved hands it to delivery; the deliver step sends it once.
    const deliveries = runs.flatMap((r) => r.deliveries);
    expect(new Set(deliveries.map((d) => d.key))).toEqual(
      new Set(['congratulate_first_login#first_login#dup-admin#due']),
    );
    const mailer = capturingMailer();
    for (const delivery of deliveries) await deliverMessage({ ...executor(), mailer }, delivery);
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Welcome aboard, Ada: Account dup is live']);
  });

  it('stores an in-app message once however often the check runs', async () => {
    await ingestSignals(
      db,
      [
        {
          id: 'cfg',
          accountId: 'dup',
          type: 'milestone',
          occurredAt: '2026-01-12T10:00:00Z',
          attributes: { milestone: 'configuration_complete' },
        },
      ],
      clock.now(),
    );
    const evaluation = await check('configured');
    await Promise.all([1, 2, 3].map(() => applyEffects(executor(), evaluation)));
    await applyEffects(executor(), evaluation);
    expect(await listInAppMessages(db, 'dup', 'dup-admin')).toEqual([
      expect.objectContaining({ playId: 'congratulate_configured', subject: 'Configuration complete' }),
    ]);
    expect(await listNotSent(db, 'dup')).toEqual([]);
  });
});

describe('unsubscribe and in-app messages over HTTP', () => {
  const KEY = 'cg_journey_test';
  let db: Db;
  let api: ReturnType<typeof createUnsubscribeHandler>;
  const clock = new VirtualClock('2026-01-21T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDb();
    api = createUnsubscribeHandler({ db, clock, logger: silentLogger() });
    await registerApiKey(db, KEY, 'test', clock.now());
  });

  it('asks for confirmation on GET and changes nothing (link scanners fetch links)', async () => {
    const token = unsubscribeToken(await unsubscribeSecret(db), 'acme', 'ann');
    const response = await api(httpEvent('GET /v1/unsubscribe/{token}', { pathParameters: { token } }));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toContain('text/html');
    expect(response.body).toContain('<form method="post">');
    expect(await unsubscribedContacts(db, 'acme')).toEqual(new Set());
  });

  it('unsubscribes on the one-click POST without an API key, and again harmlessly', async () => {
    const token = unsubscribeToken(await unsubscribeSecret(db), 'acme', 'ann');
    for (let i = 0; i < 2; i++) {
      const response = await api(
        httpEvent('POST /v1/unsubscribe/{token}', {
          pathParameters: { token },
          body: 'List-Unsubscribe=One-Click',
        }),
      );
      expect(response.statusCode).toBe(200);
    }
    expect(await unsubscribedContacts(db, 'acme')).toEqual(new Set(['ann']));
  });

  it('refuses a forged token with 404', async () => {
    const forged = unsubscribeToken('not-our-secret', 'acme', 'bob');
    const response = await api(
      httpEvent('POST /v1/unsubscribe/{token}', { pathParameters: { token: forged } }),
    );
    expect(response.statusCode).toBe(404);
    expect(await unsubscribedContacts(db, 'acme')).toEqual(new Set(['ann']));
  });

  it('lists a contact in-app messages with the API key, and answers 401 without it', async () => {
    const route = 'GET /v1/accounts/{id}/contacts/{contactId}/messages';
    const pathParameters = { id: 'acme', contactId: 'ann' };
    const messaging = createMessagingHandler({ db, clock, logger: silentLogger() });
    const anonymous = await messaging(httpEvent(route, { pathParameters }));
    expect(anonymous.statusCode).toBe(401);
    const response = await messaging(
      httpEvent(route, { pathParameters, headers: { authorization: `Bearer ${KEY}` } }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ accountId: 'acme', contactId: 'ann', messages: [] });
  });
});

describe('SES bounce and complaint events', () => {
  it('suppress permanent bounces and complaints, not transient bounces', async () => {
    const db = await createTestDb();
    const handler = createSesEventsHandler({ db, clock: new VirtualClock('2026-01-21T09:00:00Z') });
    const sns = (message: unknown) => ({ Records: [{ Sns: { Message: JSON.stringify(message) } }] });
    const bounce = (bounceType: string, emailAddress: string) =>
      sns({ eventType: 'Bounce', bounce: { bounceType, bouncedRecipients: [{ emailAddress }] } });
    expect(await handler(bounce('Permanent', 'Gone@acme.example'))).toEqual({
      suppressed: 1,
      preferences: 0,
    });
    expect(await handler(bounce('Transient', 'full@acme.example'))).toEqual({
      suppressed: 0,
      preferences: 0,
    });
    await handler(
      sns({
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'angry@acme.example' }] },
      }),
    );
    await handler(sns({ eventType: 'Delivery', delivery: {} }));
    expect(
      await suppressedAmong(db, [
        'gone@acme.example',
        'full@acme.example',
        'angry@acme.example',
        'ok@acme.example',
      ]),
    ).toEqual(new Set(['gone@acme.example', 'angry@acme.example']));
  });

  it('suppress from the EventBridge events the configuration set publishes, as deployed', async () => {
    // Prepare: SES's event on the default bus; the SES event record is the detail.
    const db = await createTestDb();
    const handler = createSesEventsHandler({ db, clock: new VirtualClock('2026-01-21T09:00:00Z') });
    const event = (detailType: string, detail: object) => ({
      version: '0',
      source: 'aws.ses',
      'detail-type': detailType,
      time: '2026-01-21T08:59:00Z',
      detail: { ...detail, mail: { tags: { 'ses:configuration-set': ['churnguard'] } } },
    });
    // Act
    const bounced = await handler(
      event('Email Bounced', {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Left@acme.example' }] },
      }),
    );
    const complained = await handler(
      event('Email Complaint Received', {
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'cross@acme.example' }] },
      }),
    );
    // Assess
    expect([bounced, complained]).toEqual([
      { suppressed: 1, preferences: 0 },
      { suppressed: 1, preferences: 0 },
    ]);
    expect(await suppressedAmong(db, ['left@acme.example', 'cross@acme.example', 'ok@acme.example'])).toEqual(
      new Set(['left@acme.example', 'cross@acme.example']),
    );
  });

  it("copy an unsubscribe made through SES's own header to restraint: the mail it would refuse is dropped, not sent", async () => {
    // Prepare: the account's admin leaves the milestones topic with SES's unsubscribe header (EventBridge, as
    // deployed); an older event that SES happens to deliver later says she was opted in.
    const db = await createTestDb();
    const clock = new VirtualClock('2026-01-21T09:00:00Z');
    await upsertAccount(db, account('lst', { goLiveDate: '2026-01-05' }), clock.now());
    await ingestSignals(db, realisticSignals(['lst'], 5, 40, '2026-01-08'), clock.now());
    const handler = createSesEventsHandler({ db, clock });
    const subscribed = (timestamp: string, subscriptionStatus: 'OptIn' | 'OptOut') => ({
      version: '0',
      source: 'aws.ses',
      'detail-type': 'Email Subscribed',
      time: timestamp,
      detail: {
        eventType: 'Subscription',
        mail: { destination: ['Admin@lst.example'], tags: { 'ses:configuration-set': ['churnguard'] } },
        subscription: {
          contactList: 'churnguard',
          timestamp,
          source: 'UnsubscribeHeader',
          newTopicPreferences: {
            unsubscribeAll: false,
            topicSubscriptionStatus: [{ topicName: 'milestones', subscriptionStatus }],
          },
          oldTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
        },
      },
    });
    // Act
    const recorded = await handler(subscribed('2026-01-20T10:00:00.123456789Z', 'OptOut'));
    const late = await handler(subscribed('2026-01-19T10:00:00Z', 'OptIn'));
    const executor = { db, clock, logger: silentLogger(), config: defaultConfig, compile: mjmlCompiler };
    const evaluation = await evaluateMilestone(executor, {
      accountId: 'lst',
      ref: 'first_login.due',
      dueAt: '2026-01-11T00:00:00Z',
      milestone: 'first_login',
      phase: 'due',
    });
    const applied = await applyEffects(executor, evaluation);
    // Assess: the congratulation was decided, nothing was handed to SES, and the not-sent row says why.
    expect([recorded, late]).toEqual([
      { suppressed: 0, preferences: 1 },
      { suppressed: 0, preferences: 0 },
    ]);
    expect(evaluation.effects.some((e) => e.kind === 'message')).toBe(true);
    expect(applied.deliveries).toEqual([]);
    expect(await listNotSent(db, 'lst')).toEqual([
      expect.objectContaining({
        playId: 'congratulate_first_login',
        recipientId: 'lst-admin',
        outcome: 'dropped',
        reason: 'unsubscribed',
        detail: 'admin@lst.example unsubscribed from the milestones topic in the SES contact list',
      }),
    ]);
    expect((await readTimeline(db, 'lst')).filter((e) => e.action === 'message_sent')).toEqual([]);
    // Opting in again on SES's page lifts it.
    await handler(subscribed('2026-01-22T10:00:00Z', 'OptIn'));
    expect(await listPreferencesAmong(db, ['admin@lst.example'])).toEqual(new Map());
  });

  it('refuse an event that is neither an SNS delivery nor an SES EventBridge event, so it is retried', async () => {
    expect.assertions(1);
    const handler = createSesEventsHandler({
      db: await createTestDb(),
      clock: new VirtualClock('2026-01-21T09:00:00Z'),
    });
    await expect(handler({ source: 'aws.s3', detail: {} })).rejects.toThrow();
  });
});
