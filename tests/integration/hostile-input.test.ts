import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_LIMITS } from '#core/rollup';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { readRollups } from '#store/signal-store';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import type { ErrorBody, IngestBody } from '../support/http.ts';
import { serveLocally } from '../support/local-api.ts';
import { NOW, sign, webhookDeps } from '../support/webhooks.ts';

/**
 * The defects of issue 14 that hostile or careless senders found, each pinned through the HTTP API as a client
 * meets it: two ids stored as one, one batch poisoning an account-day, receipts that over-count, and 5xx answers
 * to malformed paths. Each of these tests fails on the code before the fix.
 */
const KEY = 'cg_hostile_input_key';
let db: Db;
let api: Awaited<ReturnType<typeof serveLocally>>;

function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return fetch(`${api.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

const postSignals = async (signals: unknown[]) => {
  const response = await call('POST', '/v1/signals', JSON.stringify({ signals }));
  return { status: response.status, body: (await response.json()) as IngestBody };
};

/** JSON text with a lone surrogate escaped as a sender writes it (`"\ud800"`), which JSON.parse accepts. */
const withLoneSurrogate = (text: string, marker: string, unit: string) =>
  text.replaceAll(marker, `\\u${unit}`);

const login = (id: string, accountId = 'acme', occurredAt = '2026-05-20T10:00:00Z') => ({
  id,
  accountId,
  type: 'login',
  occurredAt,
  userId: 'u1',
});

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'hostile', NOW);
  await upsertAccounts(db, [account('acme'), account('globex')], NOW);
  api = await serveLocally(webhookDeps(db));
});

afterAll(() => api.close());

describe('ids that differ only by invalid Unicode are refused, never stored as one (defect 1)', () => {
  it('refuses signal ids, account ids and ticket ids holding a lone surrogate, naming the field', async () => {
    const text = JSON.stringify({
      signals: [
        login('x@LONE1@'),
        login('x@LONE2@'),
        login('ok-1', 'acme@LONE1@'),
        { ...login('t-1'), type: 'ticket_opened', attributes: { ticketId: 'T@LONE1@' } },
      ],
    });
    const body = withLoneSurrogate(withLoneSurrogate(text, '@LONE1@', 'd800'), '@LONE2@', 'd801');
    const response = await call('POST', '/v1/signals', body);
    expect(response.status).toBe(202);
    const answer = (await response.json()) as IngestBody;
    expect(answer.accepted).toBe(0);
    expect(answer.rejected.map((r) => [r.index, r.errors[0]?.path])).toEqual([
      [0, 'id'],
      [1, 'id'],
      [2, 'accountId'],
      [3, 'attributes.ticketId'],
    ]);
    for (const rejection of answer.rejected) expect(rejection.errors[0]?.message).toContain('lone surrogate');
    expect(await dumpTable(db, (item) => item.kind === 'signal' && String(item.id).startsWith('x'))).toEqual(
      [],
    );
  });

  it('refuses accounts whose ids or contact ids hold a lone surrogate, so no profile overwrites another', async () => {
    const text = JSON.stringify({
      accounts: [
        account('dup@LONE1@'),
        account('dup@LONE2@'),
        account('fine', { contacts: [contact('c@LONE1@')] }),
      ],
    });
    const response = await call(
      'POST',
      '/v1/accounts',
      withLoneSurrogate(withLoneSurrogate(text, '@LONE1@', 'dc00'), '@LONE2@', 'dfff'),
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { upserted: number; rejected: IngestBody['rejected'] };
    expect(answer.upserted).toBe(0);
    expect(answer.rejected.map((r) => [r.index, r.errors[0]?.path])).toEqual([
      [0, 'id'],
      [1, 'id'],
      [2, 'contacts[0].id'],
    ]);
    expect(await dumpTable(db, (item) => String(item.pk).startsWith('ACCOUNT#dup'))).toEqual([]);
  });

  it('refuses a signed Segment delivery whose user id holds a lone surrogate, naming where', async () => {
    const text = JSON.stringify({
      type: 'group',
      messageId: 'hostile-group-1',
      userId: 'user@LONE1@',
      groupId: 'acme',
      timestamp: '2026-05-20T10:00:00Z',
    });
    const body = withLoneSurrogate(text, '@LONE1@', 'd83d');
    const response = await call('POST', '/v1/webhooks/segment', body, sign.segment(body));
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer.errors).toEqual([
      { path: 'body.userId', message: expect.stringContaining('lone surrogate') },
    ]);
    expect(await dumpTable(db, (item) => String(item.pk).startsWith('LOOKUP#segment_user#user'))).toEqual([]);
  });
});

function contact(id: string) {
  return {
    id,
    email: `${id.length}@acme.example`,
    name: 'Ann',
    role: 'admin' as const,
    timezone: 'Europe/Berlin',
  };
}

describe('one batch cannot poison an account-day (defect 2)', () => {
  it('refuses a ticket id too long for a DynamoDB key with the limit in the error, and stores the rest', async () => {
    const { status, body } = await postSignals([
      { ...login('long-ticket'), type: 'ticket_opened', attributes: { ticketId: '票'.repeat(400) } },
      login('beside-it', 'acme', '2026-05-21T10:00:00Z'),
    ]);
    expect(status).toBe(202);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      {
        index: 0,
        id: 'long-ticket',
        errors: [{ path: 'attributes.ticketId', message: expect.stringContaining('1024 bytes') }],
      },
    ]);
    const more = await postSignals([login('same-day-later')]);
    expect(more).toMatchObject({ status: 202, body: { accepted: 1 } });
  });

  it('refuses a number DynamoDB cannot store (5e-324 is below its 1e-130), naming the field (found by the fuzz suite)', async () => {
    const response = await call(
      'POST',
      '/v1/accounts',
      JSON.stringify({ accounts: [account('tiny', { arr: 5e-324 })] }),
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { upserted: number; rejected: IngestBody['rejected'] };
    expect(answer.upserted).toBe(0);
    expect(answer.rejected[0]?.errors).toEqual([
      { path: 'arr', message: 'must be 0 or at least 1e-9 in magnitude' },
    ]);
  });

  it('keeps a day writable when it brings thousands of long distinct values, counting every signal', async () => {
    const day = '2026-05-10';
    const features = Array.from({ length: 3_000 }, (_, i) => ({
      id: `feature-${i}`,
      accountId: 'globex',
      type: 'feature_used',
      occurredAt: `${day}T09:00:00Z`,
      attributes: { feature: `${i}-${'特'.repeat(500)}` },
    }));
    for (let i = 0; i < features.length; i += 1000) {
      const { status, body } = await postSignals(features.slice(i, i + 1000));
      expect(status).toBe(202);
      expect(body.accepted).toBe(1000);
    }
    const after = await postSignals([login('after-the-flood', 'globex', `${day}T10:00:00Z`)]);
    expect(after).toMatchObject({ status: 202, body: { accepted: 1 } });
    const [rollup] = await readRollups(db, 'globex', day, day, { consistent: true });
    expect(rollup?.signalCount).toBe(3_001);
    expect(rollup?.counts).toEqual({ feature_used: 3_000, login: 1 });
    expect(rollup?.features.length).toBeLessThanOrEqual(ROLLUP_LIMITS.features.values);
    expect(rollup?.capped).toEqual(['features']);
  });

  it('keeps sums inside the safe-integer range when a day adds up past it, and counts stay exact', async () => {
    const day = '2026-05-11';
    const usage = Array.from({ length: 9_100 }, (_, i) => ({
      id: `usage-${i}`,
      accountId: 'globex',
      type: 'usage',
      occurredAt: `${day}T09:00:00Z`,
      value: 1e12,
    }));
    for (let i = 0; i < usage.length; i += 1000) {
      const { status } = await postSignals(usage.slice(i, i + 1000));
      expect(status).toBe(202);
    }
    const [rollup] = await readRollups(db, 'globex', day, day, { consistent: true });
    expect(rollup?.counts.usage).toBe(9_100);
    expect(rollup?.sums.usage).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('receipts say what this request stored (defect 3)', () => {
  it('tells 16 clients replaying the same 100 signals at once that 100 were accepted in total', async () => {
    const signals = Array.from({ length: 100 }, (_, i) =>
      login(`replayed-${i}`, 'acme', `2026-05-22T10:${String(i % 60).padStart(2, '0')}:00Z`),
    );
    const answers = await Promise.all(Array.from({ length: 16 }, () => postSignals(signals)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(answers.reduce((sum, a) => sum + a.body.accepted, 0)).toBe(100);
    for (const { body } of answers) expect(body.accepted + body.duplicates).toBe(100);
    const [rollup] = await readRollups(db, 'acme', '2026-05-22', '2026-05-22', { consistent: true });
    expect(rollup?.signalCount).toBe(100);
  });
});

describe('malformed paths are a 4xx naming the problem, never a 5xx (defect 5)', () => {
  it.each([
    ['GET', '/v1/unsubscribe/%FF', 'token'],
    ['POST', '/v1/unsubscribe/%FF', 'token'],
    ['POST', '/v1/webhooks/%E0%A4%A', 'source'],
    ['GET', '/v1/accounts/%E0%A4%A', 'id'],
    ['GET', '/v1/accounts/acme/contacts/%C0%AF/messages', 'contactId'],
  ])('%s %s', async (method, path, parameter) => {
    const response = await call(method, path);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer.message).toContain(`path parameter ${parameter} is not valid percent-encoding`);
  });

  it.each([
    ['GET', `/v1/accounts/${'a'.repeat(2_100)}`, 'id'],
    ['GET', `/v1/accounts/${'%E5%AD%97'.repeat(700)}/timeline`, 'id'],
    ['GET', `/v1/unsubscribe/${'t'.repeat(2_100)}`, 'token'],
  ])('%s a path id over its byte limit', async (method, path, parameter) => {
    const response = await call(method, path);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer.errors?.[0]).toEqual({
      path: parameter,
      message: expect.stringMatching(/bytes long; the limit is/),
    });
  });
});
