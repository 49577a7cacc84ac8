import { syntheticPortfolio } from '#core/simulation/synthetic';
import type { SimulationInput } from './run.ts';

/** Which part of a portfolio a shard runs: the accounts whose position modulo `count` is `index`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * A generated portfolio as simulation input: its accounts, signals made day by day, and renewal outcomes; with a
 * shard, only that shard's accounts (the portfolio is generated whole, so every shard sees the same accounts).
 */
export function syntheticSimulationInput(
  accounts: number,
  days: number,
  seed: number,
  shard?: Shard,
): SimulationInput & {
  portfolio: ReturnType<typeof syntheticPortfolio>;
} {
  const portfolio = syntheticPortfolio(accounts, days, seed);
  const mine = shard
    ? portfolio.accounts.filter((_, i) => i % shard.count === shard.index)
    : portfolio.accounts;
  return {
    portfolio,
    start: portfolio.start,
    days,
    accounts: mine.map((a) => a.account),
    signalsForDay: (day) => portfolio.signalsForDay(day, mine),
    acks: [],
    outcomes: mine.flatMap((a) => (a.outcome ? [{ accountId: a.account.id, ...a.outcome }] : [])),
  };
}
