import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { matchRoute, routeKey } from '#functions/routes';
import { type HttpEvent, type HttpHandler, MAX_BODY_BYTES } from '#functions/shared/http';
import { answerPage } from '#functions/shared/page-files';
import type { Deps } from '#functions/shared/runtime';
import { buildPage } from '../web/build.ts';
import { API_FUNCTIONS } from './api-functions.ts';
import { clientClosesIdleSockets } from './idle-sockets.ts';

/** API Gateway's own limit is 10 MB; reading stops a little past our limit so the handler can answer 413. */
const READ_LIMIT = MAX_BODY_BYTES + 1024;

async function readBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > READ_LIMIT) return { text: '', tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

/** Builds the API Gateway HTTP API (payload 2.0) event a deployed function would receive. */
export function toHttpEvent(
  request: IncomingMessage,
  body: string,
  key: string,
  params: Record<string, string>,
  now: Date,
): HttpEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(body);
}

/**
 * The local HTTP API: routes from functions/routes.ts, each to the same handler code a Lambda runs; and the page
 * (web/, bundled on its first request) under /app/.
 */
export function createLocalApiServer(deps: Deps): Server {
  const handlers = new Map<string, HttpHandler>();
  for (const [name, factory] of Object.entries(API_FUNCTIONS)) handlers.set(name, factory(deps));

  let pageFiles: ReturnType<typeof buildPage> | undefined;
  const files = () => {
    pageFiles ??= buildPage();
    return pageFiles;
  };

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const page = request.method === 'GET' ? await answerPage(url.pathname, files) : undefined;
      if (page) {
        response.writeHead(page.statusCode, page.headers);
        response.end(page.body);
        return;
      }
      const found = matchRoute(request.method ?? 'GET', url.pathname);
      if (!found) {
        send(response, 404, JSON.stringify({ message: `no route ${request.method} ${url.pathname}` }));
        return;
      }
      const { text, tooLarge } = await readBody(request);
      if (tooLarge) {
        send(response, 413, JSON.stringify({ message: `body exceeds the ${MAX_BODY_BYTES}-byte limit` }));
        return;
      }
      const handler = handlers.get(found.route.fn);
      if (!handler) throw new Error(`no local handler for ${found.route.fn}`);
      const event = toHttpEvent(request, text, routeKey(found.route), found.params, deps.clock.now());
      const result = await handler(event);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      send(response, result.statusCode ?? 200, result.body ?? '', headers);
    } catch (error) {
      deps.logger.error('local server error', { error: String(error) });
      if (!response.headersSent) send(response, 500, JSON.stringify({ message: 'internal error' }));
    }
  });
  return clientClosesIdleSockets(server);
}
