import { describe, expect, it } from 'vitest';
import { type ScenarioInput, scenarioSchema } from '#core/simulation/scenario';
import { runSimulation, scenarioInput } from '#local/simulation/run';
import { account } from '../support/fixtures.ts';

/**
 * A customer whose renewal was lost and who is won back a few days later (the CRM moves the renewal date a year on,
 * keeping the contract's first start date) is a customer to the workflows at once, though the churn is still in the
 * lookback's rollups: when its sponsor then leaves, a risk opens, as it would for any customer.
 */
const simulate = (scenario: ScenarioInput) => runSimulation(scenarioInput(scenarioSchema.parse(scenario)));

const hooli = account('hooli', {
  segment: 'core',
  // The sponsor beside the fixture's admin.
  contacts: [
    { id: 'hal', email: 'hal@hooli.example', name: 'Hal', role: 'sponsor', timezone: 'Europe/Paris' },
    ...account('hooli').contacts,
  ],
  contract: { startDate: '2025-07-01', renewalDate: '2026-07-01', arr: 48_000 },
});

const scenario = (wonBack: boolean): ScenarioInput => ({
  start: '2026-06-20',
  days: 40,
  accounts: [hooli],
  signals: [
    {
      id: 'hal-left',
      accountId: 'hooli',
      type: 'sponsor_left',
      occurredAt: '2026-07-10T10:00:00Z',
      userId: 'hal',
    },
  ],
  outcomes: [{ accountId: 'hooli', outcome: 'churned', at: '2026-07-01T10:00:00Z' }],
  accountUpdates: wonBack
    ? [
        {
          accountId: 'hooli',
          at: '2026-07-05T10:00:00Z',
          changes: { contract: { renewalDate: '2027-07-01' } },
        },
      ]
    : [],
});

describe('an account won back days after its renewal was lost', () => {
  it('gets a risk when its sponsor leaves, as a customer does; while it is gone, none', async () => {
    const [wonBack, gone] = await Promise.all([simulate(scenario(true)), simulate(scenario(false))]);
    const risksOpened = (result: Awaited<ReturnType<typeof simulate>>) =>
      result.actions.filter((a) => a.accountId === 'hooli' && a.kind === 'risk_opened');
    expect(wonBack.rejected).toEqual([]);
    expect(risksOpened(wonBack)).toHaveLength(1);
    expect((risksOpened(wonBack)[0]?.at ?? '') >= '2026-07-10').toBe(true);
    expect(risksOpened(gone)).toEqual([]);
  }, 300_000);
});
