import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '#core/simulation/scenario';
import { syntheticPortfolio } from '#core/simulation/synthetic';
import { fieldErrors } from '#core/validation';
import { runSimulation, ScenarioError, scenarioInput } from '#local/simulation/run';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { account } from '../support/fixtures.ts';
import { steadyUse } from '../support/seed-scenarios.ts';

const syntheticInput = syntheticSimulationInput;

describe('simulation scenarios', () => {
  it('reports every scenario problem with its field path', () => {
    const parsed = scenarioSchema.safeParse({ start: '2026-13-01', days: 0, accounts: [], extra: true });
    expect(parsed.success).toBe(false);
    const paths = parsed.success ? [] : fieldErrors(parsed.error).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['start', 'days', 'accounts', '(root)']));
    expect.assertions(3);
    try {
      scenarioInput(
        scenarioSchema.parse({
          start: '2026-01-01',
          days: 30,
          accounts: [account('acme'), { id: 'bad' }],
          signals: [
            { id: 's', accountId: 'acme', type: 'login', occurredAt: '2026-03-01T00:00:00Z', userId: 'u' },
          ],
        }),
      );
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(['signals[0].occurredAt', 'accounts[1].name']),
      );
    }
  });

  it('generates the same dense portfolio for the same seed', () => {
    const a = syntheticPortfolio(30, 60, 42);
    const b = syntheticPortfolio(30, 60, 42);
    expect(a.accounts).toEqual(b.accounts);
    const signals = Array.from({ length: 60 }, (_, d) => a.signalsForDay(d)).flat();
    expect(signals).toEqual(Array.from({ length: 60 }, (_, d) => b.signalsForDay(d)).flat());
    expect(signals.length / (30 * 60)).toBeGreaterThanOrEqual(5);
    expect(new Set(a.accounts.map((x) => x.archetype)).size).toBeGreaterThanOrEqual(5);
  });

  it('gives a byte-identical result for the same scenario', async () => {
    const first = JSON.stringify(await runSimulation(syntheticInput(4, 30, 3)));
    const second = JSON.stringify(await runSimulation(syntheticInput(4, 30, 3)));
    expect(second).toBe(first);
    expect(JSON.parse(first).actions.length).toBeGreaterThan(0);
  }, 300_000);

  it('gives the same result on DynamoDB Local as on the in-memory store adapter', async () => {
    const onMemory = JSON.stringify(await runSimulation(syntheticInput(4, 30, 3), { store: 'memory' }));
    const onDynamo = JSON.stringify(
      await runSimulation(syntheticInput(4, 30, 3), { store: 'dynamodb-local' }),
    );
    expect(onDynamo).toBe(onMemory);
  }, 300_000);
});

describe('seed stories', () => {
  it('FMCG customer (seed 000): a mid-term request to cut the contract and a new sceptical director escalate, and no renewal-value mail goes out', async () => {
    const fmcg = account('fmcg', {
      name: 'Major FMCG Co',
      arr: 600_000,
      region: 'EMEA',
      goLiveDate: '2023-03-01',
      manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
      contacts: [
        {
          id: 'fmcg-sponsor',
          email: 'vp@fmcg.example',
          name: 'Vera VP',
          role: 'sponsor',
          timezone: 'Europe/London',
        },
        {
          id: 'fmcg-admin',
          email: 'admin@fmcg.example',
          name: 'Ada Admin',
          role: 'admin',
          timezone: 'Europe/London',
        },
      ],
      contract: { startDate: '2025-06-01', renewalDate: '2026-06-01', arr: 600_000 },
    });
    // Steady use all along: the story is the contract and the people, not adoption.
    const use = steadyUse({ accountId: 'fmcg', start: '2026-01-01', toDay: 120, users: 6, features: 6 });
    const signals = [
      ...use,
      {
        id: 'cut',
        accountId: 'fmcg',
        type: 'contract_change_requested',
        occurredAt: '2026-01-20T10:00:00Z',
        attributes: { direction: 'reduce' },
      },
      { id: 'old-sponsor', accountId: 'fmcg', type: 'sponsor_left', occurredAt: '2026-01-25T10:00:00Z' },
      {
        id: 'new-director',
        accountId: 'fmcg',
        type: 'sponsor_joined',
        occurredAt: '2026-02-10T10:00:00Z',
        attributes: { note: 'not a fan' },
      },
      {
        id: 'score',
        accountId: 'fmcg',
        type: 'relationship_score',
        occurredAt: '2026-02-12T10:00:00Z',
        value: 3,
      },
    ];
    const result = await runSimulation(
      scenarioInput(scenarioSchema.parse({ start: '2026-01-01', days: 120, accounts: [fmcg], signals })),
    );
    const kinds = result.actions.map((a) => a.kind);
    expect(kinds).toContain('risk_opened');
    expect(result.accounts[0]?.openRisk).toMatchObject({
      primaryCause: 'price_pressure',
      strategy: 'farewell',
    });
    expect(result.actions.find((a) => a.kind === 'risk_opened')?.why).toContain(
      'the customer asked to cut the contract value',
    );
    expect(
      result.emails.filter((e) => /renewal value|value/i.test(e.subject) && !/review/i.test(e.subject)),
    ).toEqual([]);
  }, 300_000);
});
