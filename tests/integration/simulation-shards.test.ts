import { describe, expect, it } from 'vitest';
import { runSimulation } from '#local/simulation/run';
import { runShardedSimulation } from '#local/simulation/shards';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';

describe('a sharded simulation', () => {
  it('gives the byte-identical result of one run, with the accounts split over threads', async () => {
    const portfolio = { accounts: 24, days: 120, seed: 7 };
    const single = await runSimulation(
      syntheticSimulationInput(portfolio.accounts, portfolio.days, portfolio.seed),
    );
    const days: number[] = [];
    const sharded = await runShardedSimulation(portfolio, 3, { onDay: (day) => days.push(day) });
    expect(single.actions.length).toBeGreaterThan(50);
    expect(single.emails.length).toBeGreaterThan(0);
    expect(sharded.accounts).toHaveLength(portfolio.accounts);
    expect(JSON.stringify(sharded)).toBe(JSON.stringify(single));
    expect(days.at(-1)).toBe(portfolio.days);
  }, 600_000);
});
