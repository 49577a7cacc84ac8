import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/clock';
import type { ComponentSnapshot } from '#core/health/types';
import { type AccountWithHealth, accountWithHealthSchema } from '#core/health/view';
import { VirtualClock } from '#local/virtual-clock';
import { account } from '../support/fixtures.ts';
import { apiCaller, startTestApi } from '../support/http.ts';

/**
 * issue 19, "no verdict from a window shorter than the data it needs", through the API against DynamoDB Local: a
 * customer live for years, registered today, judged only on the days its signals cover, never red for the years
 * before it sent any.
 */

const KEY = 'cg_test_key_for_days_of_data';
const REGISTERED = '2026-06-01T06:00:00Z';
const id = 'veteran';

const dayAfter = (days: number, hour: number) =>
  new Date(Date.parse(REGISTERED) + days * DAY_MS + (hour - 6) * 3_600_000).toISOString();

/** A working day: eight logins by four users, usage and two features, `days` days after registration. */
function workingDay(days: number) {
  return [
    ...Array.from({ length: 8 }, (_, i) => ({
      id: `login-${days}-${i}`,
      accountId: id,
      type: 'login',
      occurredAt: dayAfter(days, 8 + i),
      userId: `user-${i % 4}`,
    })),
    { id: `usage-${days}`, accountId: id, type: 'usage', occurredAt: dayAfter(days, 18), value: 120 },
    ...['reports', 'alerts'].map((feature) => ({
      id: `feature-${days}-${feature}`,
      accountId: id,
      type: 'feature_used',
      occurredAt: dayAfter(days, 9),
      attributes: { feature },
    })),
  ];
}

/**
 * A fresh API whose clock starts at REGISTERED, where the account (live since 2023) is registered and then sends a
 * working day's signals on each of the first `days` + 1 days, the clock following; returns its health as read then.
 */
async function registeredThenUsedFor(days: number): Promise<NonNullable<AccountWithHealth['health']>> {
  const clock = new VirtualClock(REGISTERED);
  const api = await startTestApi(KEY, clock);
  try {
    const call = apiCaller(api.url, KEY);
    const created = await call('POST', '/v1/accounts', {
      accounts: [account(id, { goLiveDate: '2023-03-01' })],
    });
    expect(created.status).toBe(200);
    for (let day = 0; day <= days; day++) {
      clock.set(dayAfter(day, 20));
      const response = await call('POST', '/v1/signals', { signals: workingDay(day) });
      expect(response.status).toBe(202);
    }
    return await readHealth(call);
  } finally {
    await api.stop();
  }
}

async function readHealth(
  call: ReturnType<typeof apiCaller>,
): Promise<NonNullable<AccountWithHealth['health']>> {
  const response = await call('GET', `/v1/accounts/${id}`);
  expect(response.status).toBe(200);
  const { health } = accountWithHealthSchema.parse(await response.json());
  if (!health) throw new Error(`${id} has no health`);
  return health;
}

const engagementOf = (health: { components: ComponentSnapshot[] }) =>
  health.components.find((c) => c.component === 'engagement');

describe('an account live for years whose data begins the day it is registered', () => {
  it('has no verdict on product use in its first days, and is not red on the days before its data', async () => {
    const health = await registeredThenUsedFor(3);
    expect(engagementOf(health)).toMatchObject({
      status: 'unknown',
      reason: 'not enough data yet: data since 2026-06-01 (3 days), a verdict needs 7',
    });
    expect(health.band).not.toBe('red');
    expect(health.drivers.map((d) => d.text).join('; ')).not.toMatch(
      /no logins|no usage|logins down|usage down/,
    );
  });

  it('is judged on its days of data once they are enough: its daily use, not a month mostly before it', async () => {
    const health = await registeredThenUsedFor(10);
    const engagement = engagementOf(health);
    expect(engagement?.status).toBe('known');
    const logins =
      engagement?.status === 'known' ? engagement.measures.find((m) => m.measure === 'logins') : null;
    expect(logins).toMatchObject({ actual: 8 });
    // Its registration day and the ten since, today included.
    expect(logins?.finding).toContain('over 11 days');
    expect(health.band).not.toBe('red');
  });
});
