import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageKey } from '#core/journeys/messages';
import { mjmlCompiler } from '#core/journeys/render';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { createMessagingHandler } from '#functions/messaging/app';
import { createMilestoneJourneyHandler, type JourneyEvaluation } from '#functions/milestone-journey/app';
import { createSesEventsHandler } from '#functions/ses-events/app';
import { ingestSignals } from '#functions/shared/ingest';
import { createUnsubscribeHandler } from '#functions/unsubscribe/app';
import { VirtualClock } from '#local/virtual-clock';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { suppress, suppressedAmong, unsubscribedContacts } from '#store/contact-preferences-store';
import { listInAppMessages } from '#store/in-app-store';
import {
  listNotSent,
  listSends,
  markFailed,
  markSent,
  recentSends,
  reserveSend,
} from '#store/send-ledger-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const key = (recipientId: string, occurrence = 'due'): MessageKey => ({
  playId: 'nudge_first_login',
  milestone: 'first_login',
  recipientId,
  occurrence,
});
const details = { channel: 'email', priority: 50, at: '2026-01-21T09:00:00.000Z' };

describe('send ledger', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });

  it('lets exactly one of many concurrent reservations through', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, () => reserveSend(db, 'acme', key('ann'), details)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await listSends(db, 'acme')).toEqual([
      expect.objectContaining({ recipientId: 'ann', status: 'reserved' }),
    ]);
  });

  it('refuses a repeated delivery of a message already sent', async () => {
    expect(await markSent(db, 'acme', key('ann'), 'msg-1', details.at)).toBe(true);
    expect(await reserveSend(db, 'acme', key('ann'), details)).toBe(false);
    expect(await markSent(db, 'acme', key('ann'), 'msg-2', details.at)).toBe(false);
    expect(await listSends(db, 'acme')).toEqual([
      expect.objectContaining({ status: 'sent', messageId: 'msg-1' }),
    ]);
  });

  it('keeps a failed send reserved (never retried) and out of the weekly budget', async () => {
    await reserveSend(db, 'acme', key('bo'), details);
    expect(await markFailed(db, 'acme', key('bo'), 'MessageRejected: address blacklisted', details.at)).toBe(
      true,
    );
    expect(await reserveSend(db, 'acme', key('bo'), details)).toBe(false);
    expect((await recentSends(db, 'acme')).map((s) => s.recipientId)).toEqual(['ann']);
  });

  it('keeps the suppression list by lower-case address', async () => {
    await suppress(db, 'Bounced@Acme.example', 'bounce', details.at);
    expect(await suppressedAmong(db, ['bounced@acme.example', 'fine@acme.example'])).toEqual(
      new Set(['bounced@acme.example']),
    );
  });
});

describe('milestone journey task under duplicate and concurrent delivery', () => {
  let db: Db;
  const clock = new VirtualClock('2026-01-21T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDb();
    await upsertAccount(db, account('dup', { goLiveDate: '2026-01-05' }), clock.now());
    await ingestSignals(db, realisticSignals(['dup'], 5, 40, '2026-01-08'), clock.now());
  });

  it('returns each email to exactly one of several concurrent runs of the same check', async () => {
    const task = createMilestoneJourneyHandler({ db, clock }, { compile: mjmlCompiler });
    const input = {
      task: 'evaluate',
      accountId: 'dup',
      milestone: 'first_login',
      phase: 'due',
      dueAt: '2026-01-11T00:00:00Z',
    };
    const runs = (await Promise.all(Array.from({ length: 6 }, () => task(input)))) as JourneyEvaluation[];
    expect(runs.flatMap((r) => r.emails.map((e) => e.to[0]))).toEqual(['admin@dup.example']);
    expect(runs.reduce((n, r) => n + r.alreadyInLedger, 0)).toBe(5);
    const again = (await task(input)) as JourneyEvaluation;
    expect(again).toMatchObject({ emails: [], alreadyInLedger: 1 });
  });

  it('stores an in-app message once however often the check runs', async () => {
    const task = createMilestoneJourneyHandler({ db, clock }, { compile: mjmlCompiler });
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
    const input = {
      task: 'evaluate',
      accountId: 'dup',
      milestone: 'configured',
      phase: 'due',
      dueAt: '2026-01-16T00:00:00Z',
    };
    await Promise.all([task(input), task(input), task(input)]);
    await task(input);
    expect(await listInAppMessages(db, 'dup-admin')).toEqual([
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
    const messaging = createMessagingHandler({ db, clock, logger: silentLogger() });
    const anonymous = await messaging(
      httpEvent('GET /v1/contacts/{id}/messages', { pathParameters: { id: 'ann' } }),
    );
    expect(anonymous.statusCode).toBe(401);
    const response = await messaging(
      httpEvent('GET /v1/contacts/{id}/messages', {
        pathParameters: { id: 'ann' },
        headers: { authorization: `Bearer ${KEY}` },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ contactId: 'ann', messages: [] });
  });
});

describe('SES bounce and complaint events', () => {
  it('suppress permanent bounces and complaints, not transient bounces', async () => {
    const db = await createTestDb();
    const handler = createSesEventsHandler({ db, clock: new VirtualClock('2026-01-21T09:00:00Z') });
    const sns = (message: unknown) => ({ Records: [{ Sns: { Message: JSON.stringify(message) } }] });
    const bounce = (bounceType: string, emailAddress: string) =>
      sns({ eventType: 'Bounce', bounce: { bounceType, bouncedRecipients: [{ emailAddress }] } });
    expect(await handler(bounce('Permanent', 'Gone@acme.example'))).toEqual({ suppressed: 1 });
    expect(await handler(bounce('Transient', 'full@acme.example'))).toEqual({ suppressed: 0 });
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
    expect([bounced, complained]).toEqual([{ suppressed: 1 }, { suppressed: 1 }]);
    expect(await suppressedAmong(db, ['left@acme.example', 'cross@acme.example', 'ok@acme.example'])).toEqual(
      new Set(['left@acme.example', 'cross@acme.example']),
    );
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
