import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { utcDay } from '#core/clock';
import { cohortSample, computeBaselines } from '#core/health/baselines';
import { addDays } from '#core/health/days';
import { scoreAccount } from '#core/health/score';
import type { ScoringInput } from '#core/health/types';
import { generatedHistories } from '../tests/support/health-histories.ts';
import { configAsRecorded } from '../tests/support/recorded-config.ts';
import { historyOf } from '../tests/support/seed-store.ts';
import { machine, round } from './support.ts';

/**
 * CPU cost of health.measures (issue 19 item 3): the same accounts, rollups and clock scored, and sampled for the
 * baselines, with the default config (measures on) and with the section removed (scoring as before it), in CPU
 * microseconds of this process, rounds interleaved A/B so that load on the machine falls on both alike. Pure core, no store: what the daily pass
 * adds per account once its input is loaded. `BENCH_ACCOUNTS` (default 200), `BENCH_ROUNDS` (default 15).
 */

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const START = new Date('2026-01-05T05:00:00Z');
const DAYS = 240;

function inputs(): ScoringInput[] {
  const histories = generatedHistories(ACCOUNTS, DAYS, 7, START);
  const stored = historyOf(histories.signals, START);
  const now = addDays(START, DAYS - 1);
  const from = utcDay(addDays(now, -(defaultConfig.health.lookbackDays - 1)));
  return histories.accounts.map(({ account }) => ({
    account,
    rollups: stored.rollups.filter((r) => r.accountId === account.id && r.day >= from),
    tickets: stored.tickets.filter((t) => t.accountId === account.id),
  }));
}

function microsPerAccount(config: Config, all: readonly ScoringInput[], now: Date): number {
  const baselines = computeBaselines(config, all, now);
  // CPU time of this process, not wall time: on a shared machine the wait for a core is not scoring's cost.
  // Fresh input objects: computeBaselines above measured these inputs already (core/health/measure.ts keeps the
  // measures per input), and the daily pass measures each account once, for its sample and its score.
  const fresh = all.map((input) => ({ ...input }));
  const started = process.cpuUsage();
  for (const input of fresh) {
    cohortSample(config, input, now);
    scoreAccount(config, input, baselines, now);
  }
  const { user, system } = process.cpuUsage(started);
  return (user + system) / all.length;
}

const all = inputs();
const now = addDays(START, DAYS - 1);
microsPerAccount(defaultConfig, all, now);
microsPerAccount(configAsRecorded, all, now);
const before: number[] = [];
const after: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  before.push(microsPerAccount(configAsRecorded, all, now));
  after.push(microsPerAccount(defaultConfig, all, now));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
// The fastest round is the one least disturbed by other work on a shared machine; the median is shown beside it.
const fastest = (values: number[]) => Math.min(...values);
console.log(
  JSON.stringify(
    {
      machine: machine(),
      accounts: all.length,
      rollupsPerAccount: round(all.reduce((sum, i) => sum + i.rollups.length, 0) / all.length, 1),
      rounds: ROUNDS,
      withoutMeasures: {
        fastestMicrosPerAccount: round(fastest(before), 1),
        medianMicrosPerAccount: round(median(before), 1),
      },
      withMeasures: {
        fastestMicrosPerAccount: round(fastest(after), 1),
        medianMicrosPerAccount: round(median(after), 1),
      },
      ratioOfFastest: round(fastest(after) / fastest(before), 3),
      ratioOfMedians: round(median(after) / median(before), 3),
    },
    null,
    2,
  ),
);
