import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { CHAT_KINDS, type ChatKind, destinationName } from '#config/channels-schema';
import { clientClosesIdleSockets } from './idle-sockets.ts';

/**
 * Where Slack and Teams posts land on a laptop, as mail lands in SES local's inbox: an HTTP endpoint that takes
 * incoming-webhook posts at `POST /slack/<destination>` and `POST /teams/<destination>` and answers as the vendor
 * does (Slack: 200 `ok`; Teams: 202), `GET /store` (the posts as JSON, oldest first; `churnguard posts` prints
 * them) and `GET /` (a page listing them). Nothing leaves the machine.
 */
export interface CapturedPost {
  at: string;
  kind: ChatKind;
  destination: string;
  payload: Record<string, unknown>;
}

export interface ChatCapture {
  /** The capture's base URL; a destination's webhook is `${url}/<kind>/<destination>`. */
  url: string;
  posts: CapturedPost[];
  webhookUrl(kind: ChatKind, destination: string): string;
  stop(): Promise<void>;
}

export const capturedPostSchema = z.object({
  at: z.string(),
  kind: z.enum(CHAT_KINDS),
  destination: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
export const captureStoreSchema = z.object({ posts: z.array(capturedPostSchema) });

const MAX_BODY = 1024 * 1024;
const pathSchema = z.tuple([z.literal(''), z.enum(CHAT_KINDS), destinationName]);

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(posts: readonly CapturedPost[]): string {
  const rows = posts
    .map(
      (p) =>
        `<li><strong>${escapeHtml(p.kind)} ${escapeHtml(p.destination)}</strong> <small>${escapeHtml(p.at)}</small><pre>${escapeHtml(JSON.stringify(p.payload, null, 2))}</pre></li>`,
    )
    .reverse()
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>churnguard: Slack and Teams posts</title></head><body><h1>Slack and Teams posts (${posts.length})</h1><p>Newest first; <a href="/store">as JSON</a>.</p><ol reversed>${rows}</ol></body></html>`;
}

function answer(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}

export async function startChatCapture(port = 0, now: () => Date = () => new Date()): Promise<ChatCapture> {
  const posts: CapturedPost[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (request.method === 'GET' && path === '/store') {
        return answer(response, 200, 'application/json', JSON.stringify({ posts }));
      }
      if (request.method === 'GET' && path === '/') return answer(response, 200, 'text/html', page(posts));
      const target = pathSchema.safeParse(path.split('/'));
      if (request.method !== 'POST' || !target.success) {
        return answer(response, 404, 'text/plain', 'no_service');
      }
      const body = await readBody(request);
      let payload: unknown;
      try {
        payload = body === undefined ? undefined : JSON.parse(body);
      } catch {
        payload = undefined;
      }
      const parsed = z.record(z.string(), z.unknown()).safeParse(payload);
      // Slack answers a body it cannot read with 400 invalid_payload; the capture does the same for both.
      if (!parsed.success) return answer(response, 400, 'text/plain', 'invalid_payload');
      const [, kind, destination] = target.data;
      posts.push({ at: now().toISOString(), kind, destination, payload: parsed.data });
      return kind === 'slack'
        ? answer(response, 200, 'text/plain', 'ok')
        : answer(response, 202, 'text/plain', '');
    })().catch(() => answer(response, 500, 'text/plain', 'capture failed'));
  });
  clientClosesIdleSockets(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    posts,
    webhookUrl: (kind, destination) => `${url}/${kind}/${destination}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
