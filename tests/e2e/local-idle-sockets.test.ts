import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatCapture } from '#local/chat-capture';
import { createLocalApiServer } from '#local/http-server';
import { startSesLocal } from '#local/ses-local';
import { createTestDb, testDeps } from '../support/db.ts';

// Node's servers close a keep-alive socket after 5 idle seconds (checked about once a second); a client reusing it at that moment reads ECONNRESET.
const PAST_NODE_IDLE_CLOSE_MS = 8_000;

/** Sends one keep-alive request on a raw socket, then reports whether the server closed the idle socket. */
async function serverClosesIdleSocket(origin: string, path: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {});
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
  await sleep(PAST_NODE_IDLE_CLOSE_MS);
  socket.destroy();
  if (!answered) throw new Error(`${origin}${path} did not answer`);
  return closed;
}

describe('the local servers leave closing an idle keep-alive socket to the client', () => {
  const stops: (() => Promise<void>)[] = [];
  const origins: Record<string, string> = {};

  beforeAll(async () => {
    const ses = await startSesLocal();
    stops.push(ses.stop);
    origins.ses = ses.endpoint;
    const chat = await startChatCapture();
    stops.push(chat.stop);
    origins.chat = chat.url;
    const api = createLocalApiServer(testDeps(await createTestDb()));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          api.closeAllConnections();
          api.close(() => resolve());
        }),
    );
    origins.api = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });

  it('keeps the sockets of SES local, the chat capture and the API open past Node’s idle close', async () => {
    const closed = await Promise.all([
      serverClosesIdleSocket(origins.ses ?? '', '/store'),
      serverClosesIdleSocket(origins.chat ?? '', '/store'),
      serverClosesIdleSocket(origins.api ?? '', '/v1/accounts'),
    ]);
    expect(closed).toEqual([false, false, false]);
  });
});
