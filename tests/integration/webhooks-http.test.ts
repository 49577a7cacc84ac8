import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fixedClock } from '#core/clock';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { secretsFrom, staticSecrets } from '#functions/webhooks/settings';
import { createLocalApiServer } from '#local/http-server';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { fixtureText, NOW, outcomeSchema, SECRETS, sign } from '../support/webhooks.ts';

/** Over real HTTP through the local server, which builds the same API Gateway event a Lambda receives. */
let db: Db;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDb();
  await upsertAccount(db, account('initech'), NOW);
  // Only Stripe and Segment are configured: the others answer 503 until a secret is set.
  const deps = {
    ...testDeps(db, fixedClock(NOW)),
    webhooks: {
      secrets: staticSecrets(
        secretsFrom({ stripe: [SECRETS.stripe, 'whsec_new'], segment: SECRETS.segment }, 'test'),
      ),
      mapping: connectorMappingSchema.parse({}),
    },
  };
  server = createLocalApiServer(deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server is not listening on a port');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const message = async (response: Response) => z.object({ message: z.string() }).parse(await response.json());

describe('POST /v1/webhooks/{source} over HTTP', () => {
  it('accepts a signed Stripe event without an API key', async () => {
    const body = fixtureText('stripe-subscription-updated.json');
    const response = await fetch(`${base}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign.stripe(body) },
      body,
    });
    expect(response.status).toBe(200);
    expect(outcomeSchema.parse(await response.json())).toMatchObject({ source: 'stripe', accepted: 1 });
  });

  it('accepts either secret while one is rolled', async () => {
    const body = JSON.stringify({
      id: 'evt_rolled',
      object: 'event',
      type: 'invoice.paid',
      created: Math.floor(NOW.getTime() / 1000),
      data: {
        object: {
          id: 'in_r',
          customer: 'cus_RwVXQ0ohbqDqfE',
          currency: 'eur',
          amount_paid: 100,
          metadata: {},
        },
      },
    });
    const response = await fetch(`${base}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: sign.stripe(body, NOW, 'whsec_new'),
      body,
    });
    expect(outcomeSchema.parse(await response.json())).toMatchObject({
      accepted: 1,
      lookups: { resolved: 1 },
    });
  });

  it('answers 404 for a source it does not know', async () => {
    const response = await fetch(`${base}/v1/webhooks/pipedrive`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await message(response)).toEqual({
      message:
        'no webhook source "pipedrive"; use one of: segment, stripe, zendesk, survey, hubspot, posthog, salesforce',
    });
  });

  it('answers 503 (vendors retry) when the source has no secret configured, whatever the request says', async () => {
    const body = fixtureText('zendesk-ticket-webhook.json');
    const response = await fetch(`${base}/v1/webhooks/zendesk`, {
      method: 'POST',
      headers: sign.zendesk(body),
      body,
    });
    expect(response.status).toBe(503);
    expect((await message(response)).message).toBe(
      'no zendesk webhook secret is configured; see docs/connectors.md',
    );
  });
});
