import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/routes';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { type ErrorBody, type IngestBody, readJson, startTestApi } from '../support/http.ts';

const KEY = 'cg_test_key_for_http_api';
let db: Db;
let base: string;

function call(method: string, path: string, body?: unknown, key: string | null = KEY) {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

let stop: () => Promise<void>;

beforeAll(async () => {
  ({ db, url: base, stop } = await startTestApi(KEY));
});

afterAll(async () => {
  await stop();
});

describe('HTTP API authentication', () => {
  it.each(
    ROUTES.filter((r) => r.auth !== 'signature' && !r.path.startsWith('/v1/webhooks')).map((r) => [
      r.method,
      r.path.replace('{id}', 'acme'),
    ]),
  )('refuses %s %s without a key', async (method, path) => {
    const response = await call(method, path, method === 'POST' ? {} : undefined, null);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('refuses a wrong key', async () => {
    const response = await call('GET', '/v1/accounts/acme', undefined, 'cg_wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'API key not recognised' });
  });
});

describe('API key scopes', () => {
  const INGEST = 'cg_test_ingest_only_key';
  const READ = 'cg_test_read_only_key';
  beforeAll(async () => {
    const now = new Date();
    await registerApiKey(db, INGEST, 'importer', now, 'ingest');
    await registerApiKey(db, READ, 'reports', now, 'read');
  });
  const apiRoutes = ROUTES.filter((r) => r.auth !== 'signature');
  const path = (p: string) => p.replace('{id}', 'acme').replace('{contactId}', 'ann');

  it.each(apiRoutes.map((r) => [r.method, r.path, r.scope ?? 'admin'] as const))(
    '%s %s: an ingest key and a read key are let in only where the route allows',
    async (method, route, scope) => {
      for (const [key, keyScope] of [
        [INGEST, 'ingest'],
        [READ, 'read'],
      ] as const) {
        const response = await call(method, path(route), method === 'POST' ? {} : undefined, key);
        if (keyScope === scope) expect(response.status, `${keyScope} key`).not.toBe(403);
        else {
          expect(response.status, `${keyScope} key`).toBe(403);
          expect(((await response.json()) as ErrorBody).message).toMatch(
            new RegExp(
              `^this API key's scope is ${keyScope}; ${method} .+ needs (an admin|an ingest or admin|a read or admin) key$`,
            ),
          );
        }
      }
    },
  );

  it('stores nothing for a key that may not write', async () => {
    const response = await call('POST', '/v1/accounts', { accounts: [account('scoped')] }, READ);
    expect(response.status).toBe(403);
    expect(await dumpTable(db, (item) => item.pk === 'ACCOUNT#scoped')).toEqual([]);
  });
});

describe('POST /v1/accounts and GET /v1/accounts/{id}', () => {
  it('upserts accounts and reads one back', async () => {
    const created = await call('POST', '/v1/accounts', { accounts: [account('acme'), account('globex')] });
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ upserted: 2, created: 2, updated: 0, rejected: [] });
    const again = await call('POST', '/v1/accounts', { accounts: [account('acme', { arr: 60_000 })] });
    expect(await again.json()).toMatchObject({ created: 0, updated: 1 });
    const read = await call('GET', '/v1/accounts/acme');
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: 'acme', arr: 60_000, contacts: [{ role: 'admin' }] });
  });

  it('answers 404 for an unknown account', async () => {
    const response = await call('GET', '/v1/accounts/nobody');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'account "nobody" not found' });
  });

  it('rejects a bad account by index and field, storing the good one', async () => {
    const bad = {
      ...account('bad'),
      contacts: [{ id: 'x', email: 'not-an-email', name: 'X', role: 'boss', timezone: 'Mars/Base' }],
    };
    const response = await call('POST', '/v1/accounts', { accounts: [account('good'), bad] });
    const body = await readJson<{ upserted: number; rejected: IngestBody['rejected'] }>(response);
    expect(body.upserted).toBe(1);
    expect(body.rejected[0]?.index).toBe(1);
    expect(body.rejected[0]?.errors.map((e) => e.path).sort()).toEqual([
      'contacts[0].email',
      'contacts[0].role',
      'contacts[0].timezone',
    ]);
  });
});

describe('POST /v1/signals', () => {
  it('accepts, de-duplicates and rejects in one answer', async () => {
    await call('POST', '/v1/accounts', { accounts: [account('initech')] });
    const signal = {
      id: 's-1',
      accountId: 'initech',
      type: 'login',
      occurredAt: '2026-05-30T10:00:00Z',
      userId: 'u1',
    };
    const first = await call('POST', '/v1/signals', {
      signals: [signal, { ...signal, id: 's-2', type: 'telepathy' }],
    });
    expect(first.status).toBe(202);
    const body = await readJson<IngestBody>(first);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(body.rejected).toEqual([
      { index: 1, id: 's-2', errors: [{ path: 'type', message: expect.stringContaining('must be one of') }] },
    ]);
    const replay = await call('POST', '/v1/signals', { signals: [signal] });
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('refuses a milestone name the journey never counts, naming the ones it does, and stores nothing of it', async () => {
    await call('POST', '/v1/accounts', { accounts: [account('hooli')] });
    const milestone = (id: string, name: string) => ({
      id,
      accountId: 'hooli',
      type: 'milestone',
      occurredAt: '2026-05-30T10:00:00Z',
      attributes: { milestone: name },
    });
    const response = await call('POST', '/v1/signals', {
      signals: [milestone('m-1', 'configured'), milestone('m-2', 'configuration_complete')],
    });
    expect(response.status).toBe(202);
    const body = await readJson<IngestBody>(response);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(body.rejected).toEqual([
      {
        index: 0,
        id: 'm-1',
        errors: [
          {
            path: 'attributes.milestone',
            message:
              '"configured" is not a milestone the journey baseline detects, so it would never count; ' +
              'milestone configured is reached by a milestone signal named "configuration_complete"; ' +
              'known names: configuration_complete (milestone configured)',
          },
        ],
      },
    ]);
    const stored = await dumpTable(db, (item) => item.kind === 'signal' && item.accountId === 'hooli');
    expect(stored.map((item) => item.id)).toEqual(['m-2']);
  });

  it.each([
    ['not JSON', '{"signals": [', 'body is not valid JSON'],
    ['empty', '', 'body is empty'],
    ['the wrong shape', { events: [] }, 'body does not have the expected shape'],
    ['an empty batch', { signals: [] }, 'body does not have the expected shape'],
  ])('answers 400 for a body that is %s', async (_what, body, message) => {
    const before = await dumpTable(db);
    const response = await call('POST', '/v1/signals', body);
    expect(response.status).toBe(400);
    expect((await readJson<ErrorBody>(response)).message).toContain(message);
    expect(await dumpTable(db)).toEqual(before);
  });

  it('names the limit when a batch is too long', async () => {
    const signals = Array.from({ length: 1001 }, (_, i) => ({ id: `x${i}` }));
    const response = await call('POST', '/v1/signals', { signals });
    expect(response.status).toBe(400);
    expect((await readJson<ErrorBody>(response)).errors).toEqual([
      { path: 'signals', message: expect.stringContaining('at most 1000') },
    ]);
  });

  it('answers 413 for an oversized body', async () => {
    const response = await call('POST', '/v1/signals', { signals: [{ id: 'x'.repeat(3 * 1024 * 1024) }] });
    expect(response.status).toBe(413);
  });
});
