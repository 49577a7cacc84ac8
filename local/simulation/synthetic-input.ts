import { syntheticPortfolio } from '#core/simulation/synthetic';
import type { SimulationInput } from './run.ts';

/** A generated portfolio as simulation input: its accounts, signals made day by day, and renewal outcomes. */
export function syntheticSimulationInput(
  accounts: number,
  days: number,
  seed: number,
): SimulationInput & {
  portfolio: ReturnType<typeof syntheticPortfolio>;
} {
  const portfolio = syntheticPortfolio(accounts, days, seed);
  return {
    portfolio,
    start: portfolio.start,
    days,
    accounts: portfolio.accounts.map((a) => a.account),
    signalsForDay: portfolio.signalsForDay,
    acks: [],
    outcomes: portfolio.accounts.flatMap((a) =>
      a.outcome ? [{ accountId: a.account.id, ...a.outcome }] : [],
    ),
  };
}
