import { availableParallelism, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Config } from '#config/schema';
import type { CohortSample } from '#core/health/baselines';
import {
  assembleResult,
  type PhaseProfile,
  type RunOptions,
  type SimulationInput,
  type SimulationParts,
  type SimulationResult,
} from './run.ts';
import { type Shard, syntheticSimulationInput } from './synthetic-input.ts';

/**
 * What a shard's thread is given, and its config: the synthetic portfolio to generate and which part of it is its
 * own, or its part of an imported history (its accounts and outcomes, and where its signals wait day by day).
 */
export type ShardTask = (
  | { source: 'synthetic'; accounts: number; days: number; seed: number }
  | { source: 'import'; history: ShardHistory }
) & { shard: Shard; config?: Config; keepEverything?: boolean };

/** What a sharded run takes of a run's options; keepEverything goes to every shard's task. */
type ShardedRunOptions = Pick<RunOptions, 'onDay' | 'profile' | 'counts' | 'config' | 'keepEverything'>;

/** A shard's part of an imported history: its signals stay on disk, read one day at a time. */
export interface ShardHistory {
  start: string;
  days: number;
  accounts: unknown[];
  outcomes: SimulationInput['outcomes'];
  spillDir: string;
}

/** Imported history as a replay reads it: signals spilled per shard and day (local/simulation/signal-spill.ts). */
export interface ImportedReplay {
  spillDir: string;
  shards: number;
  /** Each account's shard (local/simulation/shard-plan.ts): accounts that share mail share a shard. */
  shardOf: ReadonlyMap<string, number>;
  /** Deletes the spilled signals. */
  remove(): void;
}

/** As many shards as cores, but no shard smaller than this many accounts (below it, threads cost more than they save). */
const MIN_ACCOUNTS_PER_SHARD = 100;

export function defaultShards(accounts: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(accounts / MIN_ACCOUNTS_PER_SHARD)));
}

interface ShardOutput {
  parts: SimulationParts;
  profile: PhaseProfile;
  counts: { signals: number };
}

/**
 * Each shard's heap: what this process may use, but no more than its share of 60% of the machine's memory, so
 * that the shards' heaps (which V8 lets grow well past their live data before collecting) fit together.
 */
function shardHeapMb(shards: number): number {
  const processLimit = getHeapStatistics().heap_size_limit / 2 ** 20;
  return Math.floor(Math.min(processLimit, ((totalmem() / 2 ** 20) * 0.6) / shards));
}

/**
 * Each shard's young generation (V8 gives it three semi-spaces' worth: 64 MB each here, against 16 MB by default).
 * A day's work allocates a great deal that dies within the day; with more room, fewer of those objects are still
 * alive at a scavenge and copied, for about 100 MB more resident per shard.
 */
const SHARD_YOUNG_GENERATION_MB = 192;

type ShardMessage =
  | { kind: 'day'; day: number }
  | { kind: 'cohort'; samples: CohortSample[] }
  | ({ kind: 'done' } & ShardOutput);

/**
 * The baselines barrier: each daily pass, every shard sends its healthy accounts' cohort samples; once all have,
 * every shard gets all of them back, in a fixed order, and learns the same baselines a single run would.
 */
function cohortExchange(workers: readonly Worker[], count: number) {
  let round: (CohortSample[] | undefined)[] = Array.from({ length: count }, () => undefined);
  return (index: number, samples: CohortSample[]) => {
    round[index] = samples;
    if (round.some((s) => s === undefined)) return;
    const all = round.flatMap((s) => s ?? []);
    round = Array.from({ length: count }, () => undefined);
    for (const worker of workers) worker.postMessage({ kind: 'cohort', samples: all });
  };
}

function runShard(
  task: ShardTask,
  onDay: (day: number) => void,
  onCohort: (samples: CohortSample[]) => void,
) {
  const worker = new Worker(new URL('./shard-thread.mjs', import.meta.url), {
    workerData: task,
    resourceLimits: {
      maxOldGenerationSizeMb: shardHeapMb(task.shard.count),
      maxYoungGenerationSizeMb: SHARD_YOUNG_GENERATION_MB,
    },
  });
  const done = new Promise<ShardOutput>((resolve, reject) => {
    worker.on('message', (message: ShardMessage) => {
      if (message.kind === 'day') onDay(message.day);
      else if (message.kind === 'cohort') onCohort(message.samples);
      else {
        resolve(message);
        // The thread listens for the baselines it is sent, which keeps it (and this process) alive: it is done.
        void worker.terminate();
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0)
        reject(
          new Error(
            `simulation shard ${task.shard.index + 1}/${task.shard.count} stopped with exit code ${code}`,
          ),
        );
    });
  });
  return { worker, done };
}

/**
 * Runs the shards' tasks in threads and merges their parts. The shards meet once a virtual day, to learn the
 * segment baselines from every account; the result is the one a single run gives, byte for byte
 * (tests/integration/simulation-shards.test.ts): the parts are merged and summarised exactly as one run's are.
 */
async function runShards(
  whole: Pick<SimulationInput, 'start' | 'days' | 'outcomes'>,
  tasks: readonly ShardTask[],
  { onDay, profile, counts, config }: Pick<RunOptions, 'onDay' | 'profile' | 'counts' | 'config'>,
): Promise<SimulationResult> {
  const shards = tasks.length;
  const daysDone = Array.from({ length: shards }, () => 0);
  const workers: Worker[] = [];
  const exchange = cohortExchange(workers, shards);
  const running = tasks.map((task, index) => {
    const shard = runShard(
      task,
      (day) => {
        daysDone[index] = day;
        const slowest = Math.min(...daysDone);
        if (slowest === day) onDay?.(slowest, whole.days);
      },
      (samples) => exchange(index, samples),
    );
    workers.push(shard.worker);
    return shard.done;
  });
  const outputs = await Promise.all(running);
  if (counts) for (const output of outputs) counts.signals += output.counts.signals;
  if (profile)
    for (const output of outputs)
      for (const phase of Object.keys(profile) as (keyof PhaseProfile)[])
        profile[phase] += output.profile[phase] / shards;
  return assembleResult(
    whole,
    outputs.map((o) => o.parts),
    config,
  );
}

/**
 * A synthetic portfolio run in `shards` threads, each holding whole regions (local/simulation/synthetic-input.ts)
 * in its own in-memory store, so a large backtest uses every core and no single heap holds the whole table.
 */
export async function runShardedSimulation(
  portfolio: { accounts: number; days: number; seed: number },
  shards: number,
  options: ShardedRunOptions = {},
): Promise<SimulationResult> {
  const whole = syntheticSimulationInput(portfolio.accounts, portfolio.days, portfolio.seed);
  const tasks = Array.from(
    { length: shards },
    (_, index): ShardTask => ({
      source: 'synthetic',
      ...portfolio,
      shard: { index, count: shards },
      ...(options.config ? { config: options.config } : {}),
      ...(options.keepEverything ? { keepEverything: true } : {}),
    }),
  );
  return runShards(whole, tasks, options);
}

/**
 * A replay of imported history (`simulate --from-import`) in as many threads as it was spilled for: each shard
 * runs its accounts (whole mail groups) and reads only its own signals, one day at a time, from disk.
 */
export async function runShardedReplay(
  input: Pick<SimulationInput, 'start' | 'days' | 'accounts' | 'outcomes'>,
  replay: Pick<ImportedReplay, 'spillDir' | 'shards' | 'shardOf'>,
  options: ShardedRunOptions = {},
): Promise<SimulationResult> {
  const shardOfId = (id: unknown) => replay.shardOf.get(String(id)) ?? 0;
  const tasks = Array.from(
    { length: replay.shards },
    (_, index): ShardTask => ({
      source: 'import',
      history: {
        start: input.start,
        days: input.days,
        accounts: input.accounts.filter(
          (a) => shardOfId(typeof a === 'object' && a !== null && 'id' in a ? a.id : undefined) === index,
        ),
        outcomes: input.outcomes.filter((o) => shardOfId(o.accountId) === index),
        spillDir: replay.spillDir,
      },
      shard: { index, count: replay.shards },
      ...(options.config ? { config: options.config } : {}),
      ...(options.keepEverything ? { keepEverything: true } : {}),
    }),
  );
  return runShards(input, tasks, options);
}
