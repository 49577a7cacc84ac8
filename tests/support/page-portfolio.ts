import type { Clock } from '#core/clock';
import type { Db } from '#store/client';
import { openRisk } from '#store/risk-store';
import { realisticSignals } from './fixtures.ts';
import { FIXTURE_NOW, retentionFixture } from './retention-fixture.ts';
import { openRiskRecord } from './risks.ts';

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;

async function ok(response: Promise<Response>, what: string): Promise<void> {
  const answer = await response;
  if (!answer.ok) throw new Error(`${what}: ${answer.status} ${await answer.text()}`);
}

/**
 * The retention fixture (tests/support/retention-fixture.ts) sent through the API, with usage for two accounts in
 * three months of the year (each scored as it came, so their score history has points), and a risk open on
 * e-grow: known data for the page.
 */
export async function seedPagePortfolio(db: Db, clock: Clock & { set(at: string): void }, call: Call) {
  const usage: Record<string, string[]> = {
    '2026-09-15T12:00:00.000Z': ['u-grow', 'e-grow'],
    '2026-10-15T12:00:00.000Z': ['u-grow'],
    '2026-11-20T12:00:00.000Z': ['u-grow', 'e-grow'],
  };
  const steps = [
    ...retentionFixture().map((step) => ({ at: step.at, step })),
    ...Object.entries(usage).map(([at, accounts]) => ({ at, accounts })),
  ].sort((a, b) => (a.at < b.at ? -1 : 1));
  for (const entry of steps) {
    clock.set(entry.at);
    if ('accounts' in entry) {
      const start = new Date(Date.parse(entry.at) - 20 * 86_400_000).toISOString().slice(0, 10);
      const signals = realisticSignals(entry.accounts, 20, 8, start).map((s) => ({
        ...s,
        id: `${s.id}-${start}`,
      }));
      for (let i = 0; i < signals.length; i += 1000)
        await ok(call('POST', '/v1/signals', { signals: signals.slice(i, i + 1000) }), 'signals');
    } else if ('accounts' in entry.step) {
      await ok(call('POST', '/v1/accounts', { accounts: entry.step.accounts }), 'accounts');
    } else {
      const { accountId, outcome } = entry.step.outcome;
      const signal = {
        id: `outcome-${accountId}`,
        accountId,
        type: 'renewal_outcome',
        occurredAt: entry.at,
        attributes: { outcome },
      };
      await ok(call('POST', '/v1/signals', { signals: [signal] }), 'outcome');
    }
    await ok(call('GET', '/v1/portfolio'), 'portfolio read (scores what changed)');
  }
  clock.set(FIXTURE_NOW);
  const openedAt = '2026-11-25T10:00:00.000Z';
  await openRisk(
    db,
    openRiskRecord('e-grow', openedAt, {
      arr: 90_000,
      tier: 2,
      secondaryCause: 'sponsor_change',
      strategy: 'recover',
    }),
  );
}
