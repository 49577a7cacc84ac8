import '#local/quiet-sdk';
import { emptyPhaseProfile, runSimulation } from '#local/simulation/run';
import { defaultShards, runShardedSimulation } from '#local/simulation/shards';
import type { SimulationStore } from '#local/simulation/store';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { machine, round } from './support.ts';

/**
 * Virtual account-days per second of the whole system under simulation (API handlers, exactly-once store,
 * dispatcher, synthesized state machines, journeys), with a phase profile, for the issue's target of 1,000
 * synthetic accounts over 365 days in at most 3 minutes. Baseline in the same run: one small slice of the same
 * portfolio on DynamoDB Local and on the in-memory store adapter, whose rates give the adapter's speed-up.
 *
 *   BENCH_ACCOUNTS (1000), BENCH_DAYS (365), BENCH_STORE (memory | dynamodb-local),
 *   BENCH_SHARDS (threads for the main run; default one per core, at least 100 accounts each; 1 = one thread,
 *   which also prints phaseCpuSeconds: the process's CPU by phase, for A/B comparisons on a busy machine),
 *   BENCH_BASELINE (1; 0 skips the DynamoDB Local slice), BENCH_HORIZONS (1: the in-memory store forgets what the
 *   run no longer reads, as every run does by default, local/simulation/store.ts; 0 keeps every item). Progress goes
 *   to stderr every 30 virtual days, with the heap of the thread that runs it (the main thread: not the shards').
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const store = (process.env.BENCH_STORE ?? 'memory') as SimulationStore;
const keepEverything = process.env.BENCH_HORIZONS === '0';
const BASELINE_SLICE = { accounts: 30, days: 30 };

async function measure(accounts: number, days: number, on: SimulationStore, progress: boolean, shards = 1) {
  const counts = { signals: 0 };
  const profile = emptyPhaseProfile();
  const cpuProfile = emptyPhaseProfile();
  const started = Date.now();
  let peakHeap = 0;
  const onDay = (day: number) => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (!progress || day % 30 !== 0) return;
    const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    process.stderr.write(
      `day ${day}/${days}: ${Math.round((Date.now() - started) / 1000)} s, heap ${heapMb} MB\n`,
    );
  };
  const result =
    shards > 1
      ? await runShardedSimulation({ accounts, days, seed: 1 }, shards, {
          profile,
          counts,
          onDay,
          keepEverything,
        })
      : await runSimulation(syntheticSimulationInput(accounts, days, 1), {
          profile,
          cpuProfile,
          counts,
          store: on,
          onDay,
          keepEverything,
        });
  const seconds = (Date.now() - started) / 1000;
  return {
    seconds,
    signals: counts.signals,
    profile,
    cpuProfile: shards > 1 ? null : cpuProfile,
    actions: result.actions.length,
    rate: (accounts * days) / seconds,
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
  };
}

const SHARDS = Number(process.env.BENCH_SHARDS ?? (store === 'memory' ? defaultShards(ACCOUNTS) : 1));
const run = await measure(ACCOUNTS, DAYS, store, true, SHARDS);
const baseline =
  process.env.BENCH_BASELINE === '0'
    ? null
    : {
        slice: `${BASELINE_SLICE.accounts} accounts x ${BASELINE_SLICE.days} days`,
        dynamodbLocal: await measure(BASELINE_SLICE.accounts, BASELINE_SLICE.days, 'dynamodb-local', false),
        memory: await measure(BASELINE_SLICE.accounts, BASELINE_SLICE.days, 'memory', false),
      };
const minutesPer = (accounts: number) => round((accounts * 365) / run.rate / 60, 1);
const figures = {
  bench: 'simulate',
  store,
  shards: SHARDS,
  horizons: !keepEverything,
  accounts: ACCOUNTS,
  days: DAYS,
  signals: run.signals,
  signalsPerAccountDay: round(run.signals / (ACCOUNTS * DAYS), 1),
  seconds: round(run.seconds, 1),
  accountDaysPerSec: round(run.rate, 1),
  signalsPerSec: Math.round(run.signals / run.seconds),
  phaseShare: Object.fromEntries(
    Object.entries(run.profile).map(([k, v]) => [k, round(v / 1000 / run.seconds, 2)]),
  ),
  // One thread's run: this process's CPU seconds by phase (garbage collection included), steadier than wall time on
  // a shared machine; with shards the process's CPU is every thread's at once, so there is none.
  phaseCpuSeconds:
    run.cpuProfile &&
    Object.fromEntries(Object.entries(run.cpuProfile).map(([k, v]) => [k, round(v / 1000, 1)])),
  actions: run.actions,
  minutesAtThisRate: { accounts1000days365: minutesPer(1000), accounts10000days365: minutesPer(10_000) },
  targetRatio1000x365: round(minutesPer(1000) / 3, 2),
  baseline: baseline && {
    slice: baseline.slice,
    dynamodbLocalAccountDaysPerSec: round(baseline.dynamodbLocal.rate, 1),
    memoryAccountDaysPerSec: round(baseline.memory.rate, 1),
    memoryOverDynamodbLocal: round(baseline.memory.rate / baseline.dynamodbLocal.rate, 1),
  },
  // With shards the heaps are the threads'; the process's peak resident set covers them all.
  peakHeapMb: SHARDS > 1 ? null : run.peakHeapMb,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  machine: machine(),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
