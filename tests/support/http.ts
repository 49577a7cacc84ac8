import type { AddressInfo } from 'node:net';
import type { Clock } from '#core/clock';
import type { Rejection } from '#core/ingest';
import type { HttpEvent } from '#functions/shared/http';
import { createLocalApiServer } from '#local/http-server';
import { registerApiKey } from '#store/api-key-store';
import { createTestDb, testDeps } from './db.ts';

/** An API Gateway HTTP API (payload 2.0) event, as a deployed function receives it. */
export function httpEvent(
  routeKey: string,
  options: { body?: string; headers?: Record<string, string>; pathParameters?: Record<string, string> } = {},
): HttpEvent {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    body: options.body,
    pathParameters: options.pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test-request',
      routeKey,
      stage: '$default',
      time: '01/Jun/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

export interface IngestBody {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface ErrorBody {
  message: string;
  errors?: { path: string; message: string }[];
}

export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * The local HTTP server over a fresh test table, with `key` registered: the API as the CLI or curl reaches it.
 * `stop` closes it (and its open connections). A test that moves time passes its own clock.
 */
export async function startTestApi(key: string, clock?: Clock) {
  const db = await createTestDb();
  const deps = clock ? testDeps(db, clock) : testDeps(db);
  await registerApiKey(db, key, 'test', deps.clock.now());
  const server = createLocalApiServer(deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { db, deps, url, stop };
}

/** Calls to the API at `url` with `key` as the bearer, a JSON body when given. */
export function apiCaller(url: string, key: string) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
