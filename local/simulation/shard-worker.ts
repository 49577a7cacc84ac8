import { parentPort, workerData } from 'node:worker_threads';
import '#local/quiet-sdk';
import type { CohortSample } from '#core/health/baselines';
import { emptyPhaseProfile, simulateParts } from './run.ts';
import type { ShardTask } from './shards.ts';
import { replayShardInput } from './signal-spill.ts';
import { syntheticSimulationInput } from './synthetic-input.ts';

/** One shard of a run, in its own thread with its own store, clock and workflow engine. */
const task = workerData as ShardTask;
const input =
  task.source === 'synthetic'
    ? syntheticSimulationInput(task.accounts, task.days, task.seed, task.shard)
    : replayShardInput(task.history, task.shard.index);
const profile = emptyPhaseProfile();
const counts = { signals: 0 };

/** The whole portfolio's samples, as the coordinator sends them back after each shard sent its own. */
const waiting: ((samples: CohortSample[]) => void)[] = [];
parentPort?.on('message', (message: { kind: 'cohort'; samples: CohortSample[] }) => {
  if (message.kind === 'cohort') waiting.shift()?.(message.samples);
});

const parts = await simulateParts(input, {
  profile,
  counts,
  ...(task.config ? { config: task.config } : {}),
  ...(task.keepEverything ? { keepEverything: true } : {}),
  onDay: (day) => parentPort?.postMessage({ kind: 'day', day }),
  // Baselines are learnt from the whole portfolio, as in one run: every shard sends its healthy accounts' samples
  // and learns from all of them.
  poolSamples: (mine) => {
    const all = new Promise<CohortSample[]>((resolve) => waiting.push(resolve));
    parentPort?.postMessage({ kind: 'cohort', samples: mine });
    return all;
  },
});
parentPort?.postMessage({ kind: 'done', parts, profile, counts });
