import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { readDaySignals, readRollups } from '#store/signal-store';
import { syncPosthogExport } from '../../cli/commands/posthog-sync.ts';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { serveLocally } from '../support/local-api.ts';
import { dataItems, fixtureText, NOW, SECRETS, webhookDeps } from '../support/webhooks.ts';

/**
 * PostHog end to end over HTTP on the local server and DynamoDB Local: the webhook destination's body and the
 * batch export's rows become login, feature_used and activity signals of the company group's account.
 */

const KEY = 'cg_test_posthog_key';
const exportFile = path.resolve('tests/fixtures/connectors/posthog-batch-export.jsonl');
const rejectsFile = `${exportFile}.test-rejects.jsonl`;
const mapping = {
  posthog: {
    events: {
      user_logged_in: { type: 'login' as const },
      report_exported: { type: 'feature_used' as const, featureProperty: 'format' },
      $pageview: { type: 'activity' as const },
    },
  },
};

let db: Db;
let api: { base: string; close(): Promise<void> };

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'test', NOW);
  await upsertAccount(db, account('5001'), NOW);
  api = await serveLocally(webhookDeps(db, mapping));
});

afterAll(async () => {
  await api?.close();
  rmSync(rejectsFile, { force: true });
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${api.base}/v1/webhooks/posthog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('PostHog: webhook destination and batch export', () => {
  it("stores the destination's event as a feature_used signal of the company's account", async () => {
    const response = await post(fixtureText('posthog-webhook.json'), {
      'X-Churnguard-Secret': SECRETS.posthog,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ source: 'posthog', accepted: 1, rejected: 0, ignored: 0 });
    expect(await readDaySignals(db, '5001', '2026-05-31')).toEqual([
      expect.objectContaining({
        id: 'posthog:0190a5e2-7d1c-7c3e-9a57-3f0c2b1d4e01',
        type: 'feature_used',
        userId: 'ingrid@initrode.example',
        attributes: { feature: 'csv' },
      }),
    ]);
    // The account reads through the API as before, now with the day's activity counted.
    const read = await fetch(`${api.base}/v1/accounts/5001`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(read.status).toBe(200);
    const [rollup] = await readRollups(db, '5001', '2026-05-31', '2026-05-31');
    expect(rollup).toMatchObject({ counts: { feature_used: 1 } });
  });

  it('refuses a wrong or missing secret with 401, storing nothing', async () => {
    const body = fixtureText('posthog-webhook.json');
    const before = await dumpTable(db);
    const wrong = await post(body, { 'X-Churnguard-Secret': 'guess' });
    const missing = await post(body, {});
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(await wrong.json()).toMatchObject({ message: 'signature refused: secret does not match' });
    expect(await dumpTable(db)).toEqual(before);
  });

  it('refuses an event without a uuid with 400 naming the field, storing nothing', async () => {
    const body = JSON.stringify({
      event: { event: 'user_logged_in', distinct_id: 'x', timestamp: '2026-05-31T09:00:00Z' },
      groups: { company: { id: '5001' } },
    });
    const before = await dumpTable(db);
    const response = await post(body, { Authorization: `Bearer ${SECRETS.posthog}` });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: 'event.uuid' }] });
    expect(await dumpTable(db)).toEqual(before);
  });

  it('loads a batch export through the API: mapped events stored, the rest counted with why; again: duplicates', async () => {
    const target = { url: api.base, key: KEY };
    const first = await syncPosthogExport(target, { from: [exportFile], rejectsFile });
    // CHURNGUARD_CONNECTORS is not set here: the default mapping reads user_logged_in and $pageview.
    expect(first).toMatchObject({ rows: 2, accepted: 2, duplicates: 0, rejected: 0 });
    expect(first.ignored).toEqual({
      'event has no "company" group (group analytics), so no account': 1,
      'event is not mapped': 1,
    });
    const [rollup] = await readRollups(db, '5001', '2026-05-31', '2026-05-31');
    expect(rollup).toMatchObject({ counts: { login: 1, activity: 1 } });
    const before = await dumpTable(db, dataItems);
    const again = await syncPosthogExport(target, { from: [exportFile], rejectsFile });
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });
});
