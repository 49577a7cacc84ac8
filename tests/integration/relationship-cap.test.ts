import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalInput } from '#core/signals';
import { accountFor, signalsFor } from '../support/health-portfolio.ts';
import { apiCaller, type ErrorBody, type IngestBody, readJson, startTestApi } from '../support/http.ts';

const KEY = 'cg_test_key_for_relationship_cap';
let api: Awaited<ReturnType<typeof startTestApi>>;

const call = (method: string, path: string, body?: unknown) => apiCaller(api.url, KEY)(method, path, body);

interface Health {
  score: number;
  band: string;
  drivers: { text: string; kind?: string }[];
  components: { component: string; measures?: { measure: string; actual: number; finding: string }[] }[];
}

async function send(signals: SignalInput[]) {
  for (let i = 0; i < signals.length; i += 1000) {
    const response = await call('POST', '/v1/signals', { signals: signals.slice(i, i + 1000) });
    const body = await readJson<IngestBody>(response);
    expect(body.rejected).toEqual([]);
  }
}

/** A strategic account using the product at its segment's norm, meetings held: green on its data. */
async function healthyStrategic(id: string) {
  const now = api.deps.clock.now();
  const seed = { id, segment: 'strategic' as const, profile: 'healthy' as const };
  const upsert = await call('POST', '/v1/accounts', { accounts: [accountFor(seed, now)] });
  expect(upsert.status).toBe(200);
  await send(signalsFor(seed, now).filter((s) => s.type !== 'relationship_score'));
}

const assessment = (accountId: string, value: number, attributes: Record<string, unknown>) => ({
  id: `${accountId}-assessment-${value}`,
  accountId,
  type: 'relationship_score',
  occurredAt: '2026-05-30T10:00:00Z',
  value,
  attributes,
});

beforeAll(async () => {
  api = await startTestApi(KEY);
  await healthyStrategic('gasco');
  await healthyStrategic('steady');
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('relationship assessment (seed 001) and the critical-finding cap', () => {
  it('keeps a strategic account with a 4/10 relationship (desired 8) out of green, and the driver says so', async () => {
    const control = await readJson<{ health: Health }>(await call('GET', '/v1/accounts/steady'));
    expect(control.health.band).toBe('green');

    await send([assessment('gasco', 4, { desired: 8, assessor: 'John Smibert' }) as SignalInput]);
    const { health } = await readJson<{ health: Health }>(await call('GET', '/v1/accounts/gasco'));
    // The score alone would be green (Strategic: green from 74); the critical finding holds the band at yellow.
    expect(health.score).toBeGreaterThanOrEqual(75);
    expect(health.band).toBe('yellow');
    expect(health.drivers[0]).toMatchObject({ kind: 'cap' });
    expect(health.drivers[0]?.text).toMatch(
      /^band held at yellow \(critical finding relationship_critical: scorecard 4 is at or below 4\); the score alone says green: relationship scorecard 4\/10/,
    );
    const relationship = health.components.find((c) => c.component === 'relationship');
    expect(relationship?.measures?.find((m) => m.measure === 'relationship_gap')?.finding).toBe(
      'relationship 4/10 against the 8/10 aimed for: a gap of 4 (assessed by John Smibert)',
    );
  });

  it('refuses a desired level outside 0-10 with a field error, and stores nothing', async () => {
    const response = await call('POST', '/v1/signals', {
      signals: [assessment('steady', 5, { desired: 12 })],
    });
    const body = await readJson<IngestBody & ErrorBody>(response);
    expect(body.accepted).toBe(0);
    expect(body.rejected[0]?.errors).toEqual([
      {
        path: 'attributes.desired',
        message: 'must be a number from 0 to 10 (the relationship level aimed for)',
      },
    ]);
    const { health } = await readJson<{ health: Health }>(await call('GET', '/v1/accounts/steady'));
    expect(health.band).toBe('green');
  });
});
