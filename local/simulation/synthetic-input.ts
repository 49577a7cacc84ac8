import { type SyntheticAccount, syntheticPortfolio } from '#core/simulation/synthetic';
import type { SimulationInput } from './run.ts';
import { balanceGroups } from './shard-plan.ts';

/** Which part of a portfolio a shard runs: one of `count` groups of whole regions. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The shard each region goes to. Accounts meet in a region's weekly digest and in their CSM's daily notice mail
 * (CSMs cover one region), so a region is never split; regions go, largest first, to the shard with the fewest
 * accounts so far (balanceGroups). Deterministic for a portfolio.
 */
export function regionShards(accounts: readonly SyntheticAccount[], count: number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { account } of accounts) sizes.set(account.region, (sizes.get(account.region) ?? 0) + 1);
  return balanceGroups(sizes, count);
}

/**
 * A generated portfolio as simulation input: its accounts, signals made day by day, and renewal outcomes; with a
 * shard, only that shard's regions (the portfolio is generated whole, so every shard sees the same accounts).
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
  const shardOf = shard ? regionShards(portfolio.accounts, shard.count) : undefined;
  const mine = shard
    ? portfolio.accounts.filter((a) => shardOf?.get(a.account.region) === shard.index)
    : portfolio.accounts;
  return {
    portfolio,
    start: portfolio.start,
    days,
    accounts: mine.map((a) => a.account),
    signalsForDay: (day) => portfolio.signalsForDay(day, mine),
    events: [],
    outcomes: mine.flatMap((a) => (a.outcome ? [{ accountId: a.account.id, ...a.outcome }] : [])),
  };
}
