import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import { type AccountWithHealth, accountWithHealthSchema } from '#core/health/view';
import { createLocalApiServer } from '#local/http-server';
import { registerApiKey } from '#store/api-key-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { type IngestBody, readJson } from '../support/http.ts';
import { REPORTS_SENT } from '../support/metric-measures.ts';

/**
 * Custom signal types through the API (docs/health-measures.md, issue 19 item 3): `metric` signals posted over
 * HTTP, validated field by field, rolled up per name in DynamoDB Local, and scored by a custom measure of the
 * config when the account is read.
 */

const KEY = 'cg_test_key_for_custom_metrics';
const NOW = Date.parse('2026-06-01T12:00:00Z');
let server: Server;
let base: string;

function configWithReportsMeasure() {
  const draft = structuredClone(defaultConfig);
  if (!draft.health.measures) throw new Error('the default config has health.measures');
  draft.health.measures.custom = [REPORTS_SENT];
  const parsed = parseConfig(draft);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function getAccount(id: string): Promise<AccountWithHealth> {
  const response = await call('GET', `/v1/accounts/${id}`);
  expect(response.status).toBe(200);
  return accountWithHealthSchema.parse(await response.json());
}

const reading = (accountId: string, n: number, value: number, name = 'reports_sent') => ({
  id: `${accountId}-${name}-${n}`,
  accountId,
  type: 'metric',
  occurredAt: new Date(NOW - n * 86_400_000 - 3_600_000).toISOString(),
  value,
  attributes: { name },
});

beforeAll(async () => {
  const db = await createTestDb();
  const deps = { ...testDeps(db), config: configWithReportsMeasure() };
  await registerApiKey(db, KEY, 'test', deps.clock.now());
  server = createLocalApiServer(deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = ['metered', 'busy', 'silent'].map((id) => account(id));
  expect((await call('POST', '/v1/accounts', { accounts })).status).toBe(200);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('metric signals over HTTP', () => {
  it('are rolled up per name and scored by the custom measure, with its driver in words', async () => {
    // Ten readings of 1 in the last 30 days, and one from 40 days ago that the window leaves out.
    const signals = [
      ...Array.from({ length: 10 }, (_, n) => reading('metered', n * 3, 1)),
      reading('metered', 40, 500),
    ];
    const response = await call('POST', '/v1/signals', { signals });
    expect(response.status).toBe(202);
    expect((await readJson<IngestBody>(response)).accepted).toBe(11);
    // A replay of the same signals counts nothing twice.
    const replay = await readJson<IngestBody>(await call('POST', '/v1/signals', { signals }));
    expect(replay).toMatchObject({ accepted: 0, duplicates: 11 });

    const { health } = await getAccount('metered');
    const adoption = health?.components.find((c) => c.component === 'adoption');
    const measures = adoption?.status === 'known' ? adoption.measures : [];
    const finding = 'reports sent 10 in the last 30 days (10 readings) vs at least 20 expected';
    expect(measures.find((m) => m.measure === 'reportsSent')).toMatchObject({
      actual: 10,
      score: 50,
      finding,
    });
    expect(health?.drivers.map((d) => d.text)).toContain(finding);
    const contributions = health?.components.reduce((sum, c) => sum + c.contribution * 10, 0) ?? 0;
    expect(Math.round(contributions) / 10).toBe(health?.score);
  });

  it('score an account that reaches the expected value higher than one that falls short', async () => {
    // Over its last nine days: adoption gets a verdict once the account's data covers a week (minimumDataDays).
    const signals = Array.from({ length: 5 }, (_, n) => reading('busy', n * 2, 6));
    expect((await call('POST', '/v1/signals', { signals })).status).toBe(202);
    const busy = (await getAccount('busy')).health;
    const metered = (await getAccount('metered')).health;
    expect(busy?.components.find((c) => c.component === 'adoption')).toMatchObject({
      measures: expect.arrayContaining([expect.objectContaining({ measure: 'reportsSent', score: 100 })]),
    });
    expect(busy?.score ?? 0).toBeGreaterThan(metered?.score ?? 0);
  });

  it('leave the measure out for an account that sends no metric: unknown, not zero', async () => {
    const { health } = await getAccount('silent');
    const measures = health?.components.flatMap((c) => (c.status === 'known' ? c.measures : [])) ?? [];
    expect(measures.map((m) => m.measure)).not.toContain('reportsSent');
  });

  it('refuse a metric without a valid name or value with field-level errors, never a 5xx', async () => {
    const response = await call('POST', '/v1/signals', {
      signals: [
        { ...reading('metered', 1, 1), id: 'no-name', attributes: {} },
        reading('metered', 1, 1, 'reports sent'),
        { ...reading('metered', 1, 1), id: 'no-value', value: undefined },
      ],
    });
    // A batch answers per record (202 with each rejection's fields), as for every signal type.
    expect(response.status).toBe(202);
    const body = await readJson<IngestBody>(response);
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r) => r.errors.map((e) => e.path))).toEqual([
      ['attributes.name'],
      ['attributes.name'],
      ['value'],
    ]);
  });
});
