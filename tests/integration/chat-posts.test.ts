import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsSchema } from '#config/channels-schema';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { fixedClock } from '#core/clock';
import type { Effect } from '#core/effects/effect';
import { composeNotice } from '#core/workflows/notices';
import { webhookPoster } from '#functions/shared/chat-poster';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { type ChatCapture, captureStoreSchema, startChatCapture } from '#local/chat-capture';
import { localWebhookUrls } from '#local/chat-webhooks';
import { upsertAccount } from '#store/account-store';
import { listSends } from '#store/send-ledger-store';
import { readTimeline } from '#store/timeline-store';
import { useCaseDeps } from '#usecases/account-view';
import { applyEffects } from '#usecases/apply-effects';
import { deliverMessage } from '#usecases/deliver-message';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

/**
 * Slack and Teams posts through the real executor, the real send ledger on DynamoDB Local and the real poster
 * (Slack's own @slack/webhook client), over HTTP to the local capture endpoint `npm start` runs, or to a webhook
 * that fails.
 */

const BASE = 'http://127.0.0.1:3000';
const config: Config = {
  ...defaultConfig,
  messaging: { ...defaultConfig.messaging, publicBaseUrl: BASE },
  channels: channelsSchema.parse({
    destinations: { 'cs-emea': { kind: 'slack' }, 'casey-desk': { kind: 'teams' } },
    routes: [
      { to: 'cs-emea', region: 'EMEA' },
      { to: 'casey-desk', csm: 'casey@vendor.example', carries: ['escalations'] },
    ],
  }),
};

/** A tier-1 risk notice to the CSM, as the risk decision returns it. */
function tierOneNotice(accountId: string): Effect {
  return {
    kind: 'message',
    message: {
      key: { playId: 'risk_notice', about: `${accountId}-risk`, recipientId: 'csm', occurrence: 'T1' },
      audience: 'internal',
      recipient: {
        id: 'csm',
        name: 'Casey Morgan',
        email: 'casey@vendor.example',
        timezone: 'UTC',
        role: 'csm',
      },
      channel: 'email',
      urgency: 'immediate',
      content: composeNotice({
        subject: `[churnguard] Account ${accountId}: risk opened (recover, relationship_weak)`,
        summary: `Account ${accountId} has a new tier-1 risk: the relationship is weak. Strategy: recover.`,
        sections: [
          { heading: 'Why', lines: ['the customer rates the relationship 4/10'] },
          { heading: 'What to do', lines: ['Book a success-plan reset with the sponsor within 7 days.'] },
        ],
      }),
      timeline: { action: 'notice_sent', what: 'Tier-1 risk notice to Casey Morgan (csm)', why: 'weak' },
    },
  };
}

const mailbox = () => {
  const sent: OutgoingEmail[] = [];
  const mailer: Mailer = { send: async (email) => `mail-${sent.push(email)}` };
  return { sent, mailer };
};

async function setup(accountId: string) {
  const db = await createTestDb();
  const clock = fixedClock('2026-06-01T09:00:00Z');
  await upsertAccount(db, account(accountId), clock.now());
  return { db, clock, deps: useCaseDeps({ db, clock, logger: silentLogger(), config }) };
}

describe('Slack and Teams posts to the local capture endpoint, over HTTP', () => {
  let capture: ChatCapture;
  beforeAll(async () => {
    capture = await startChatCapture();
  });
  afterAll(async () => {
    await capture.stop();
  });
  const captured = async () =>
    captureStoreSchema.parse(await (await fetch(`${capture.url}/store`)).json()).posts;

  it('posts a tier-1 risk notice to the region’s Slack and the CSM’s Teams with the account link, once under a replay', async () => {
    // Prepare
    const accountId = `acme-${Date.now()}`;
    const { db, deps } = await setup(accountId);
    const poster = webhookPoster({ urls: localWebhookUrls(undefined, config.channels, capture).urls });
    const { sent, mailer } = mailbox();
    const run = async () => {
      const applied = await applyEffects(deps, { accountId, effects: [tierOneNotice(accountId)] });
      for (const delivery of applied.deliveries) await deliverMessage({ ...deps, mailer, poster }, delivery);
      return applied;
    };
    // Act: the decision applied and delivered, then the same again (a replayed dispatch)
    const first = await run();
    const replay = await run();
    // Assess: the mail and one post per destination, in the capture; nothing new on the replay
    expect(first.deliveries).toHaveLength(3);
    expect(replay.deliveries).toEqual([]);
    expect(sent.map((m) => m.to)).toEqual([['casey@vendor.example']]);
    const posts = (await captured()).filter((p) => JSON.stringify(p.payload).includes(accountId));
    expect(posts.map((p) => `${p.kind} ${p.destination}`).sort()).toEqual([
      'slack cs-emea',
      'teams casey-desk',
    ]);
    const link = `${BASE}/app/#/account/${accountId}`;
    const slack = JSON.stringify(posts.find((p) => p.kind === 'slack')?.payload);
    expect(slack).toContain('"type":"header"');
    expect(slack).toContain('Book a success-plan reset with the sponsor within 7 days.');
    expect(slack).toContain(`"url":"${link}"`);
    const teams = posts.find((p) => p.kind === 'teams')?.payload;
    expect(teams).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', actions: [{ type: 'Action.OpenUrl', url: link }] },
        },
      ],
    });
    // The ledger and the timeline say so, once each
    const ledger = (await listSends(db, accountId)).map((s) => `${s.channel} ${s.recipientId} ${s.status}`);
    expect(ledger.sort()).toEqual([
      'email csm sent',
      'slack chat:cs-emea sent',
      'teams chat:casey-desk sent',
    ]);
    const timeline = (await readTimeline(db, accountId)).map((e) => e.what);
    expect(timeline.filter((w) => w.startsWith('Posted to'))).toEqual(
      expect.arrayContaining([
        'Posted to Slack (cs-emea): Tier-1 risk notice to Casey Morgan (csm)',
        'Posted to Microsoft Teams (casey-desk): Tier-1 risk notice to Casey Morgan (csm)',
      ]),
    );
    expect(timeline.filter((w) => w.startsWith('Posted to'))).toHaveLength(2);
  });

  it('answers a body that is not JSON with 400, like Slack, and keeps nothing', async () => {
    const before = (await captured()).length;
    const response = await fetch(`${capture.url}/slack/cs-emea`, { method: 'POST', body: 'not json' });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_payload');
    expect(await captured()).toHaveLength(before);
  });
});

/** A webhook that answers each request with the next status of `statuses` (the last one repeats). */
async function startWebhook(statuses: number[]) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push(body);
      const status = statuses[Math.min(requests.length, statuses.length) - 1] ?? 500;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status < 300 ? 'ok' : status === 429 ? 'rate_limited' : 'server_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, requests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('a webhook that fails', () => {
  const deliverTo = async (statuses: number[]) => {
    const accountId = `fail-${statuses.join('-')}-${Date.now()}`;
    const { db, deps } = await setup(accountId);
    const hook = await startWebhook(statuses);
    try {
      const poster = webhookPoster({ urls: async () => hook.url, backoffMs: 20 });
      const slackOnly: Config = {
        ...config,
        channels: channelsSchema.parse({
          destinations: { 'cs-emea': { kind: 'slack' } },
          routes: [{ to: 'cs-emea', region: 'EMEA' }],
        }),
      };
      const applied = await applyEffects(
        { ...deps, config: slackOnly },
        { accountId, effects: [tierOneNotice(accountId)] },
      );
      const outcomes: string[] = [];
      for (const delivery of applied.deliveries) {
        outcomes.push(await deliverMessage({ ...deps, mailer: mailbox().mailer, poster }, delivery));
      }
      const row = (await listSends(db, accountId)).find((s) => s.channel === 'slack');
      const failed = (await readTimeline(db, accountId)).find((e) => e.action === 'message_failed');
      return { outcomes, requests: hook.requests.length, row, failed };
    } finally {
      await hook.stop();
    }
  };

  it('retries a 500, then records the post as not delivered with the reason', async () => {
    const { outcomes, requests, row, failed } = await deliverTo([500]);
    expect(requests).toBe(3);
    expect(outcomes).toEqual(['sent', 'failed']);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row?.error).toContain('HTTP 500');
    expect(row?.error).toContain('after 3 attempts');
    expect(failed?.what).toBe(
      'Not delivered: Posted to Slack (cs-emea): Tier-1 risk notice to Casey Morgan (csm)',
    );
    expect(failed?.why).toContain('HTTP 500');
  });

  it('posts once when a retry of a 500 or a 429 gets through', async () => {
    const { outcomes, requests, row } = await deliverTo([500, 429, 200]);
    expect(requests).toBe(3);
    expect(outcomes).toEqual(['sent', 'sent']);
    expect(row).toMatchObject({ status: 'sent', messageId: 'slack:cs-emea:ok' });
  });

  it('does not retry a 404 (a removed webhook): one request, recorded with the reason', async () => {
    const { outcomes, requests, row } = await deliverTo([404]);
    expect(requests).toBe(1);
    expect(outcomes).toEqual(['sent', 'failed']);
    expect(row?.error).toContain('HTTP 404');
    expect(row?.error).not.toContain('attempts');
  });
});
