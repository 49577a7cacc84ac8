import { parentPort, workerData } from 'node:worker_threads';
import '#local/quiet-sdk';
import { emptyPhaseProfile, simulateParts } from './run.ts';
import type { ShardTask } from './shards.ts';
import { syntheticSimulationInput } from './synthetic-input.ts';

/** One shard of a synthetic portfolio, run in its own thread with its own store, clock and workflow engine. */
const task = workerData as ShardTask;
const input = syntheticSimulationInput(task.accounts, task.days, task.seed, task.shard);
const profile = emptyPhaseProfile();
const counts = { signals: 0 };
const parts = await simulateParts(input, {
  profile,
  counts,
  ...(task.config ? { config: task.config } : {}),
  onDay: (day) => parentPort?.postMessage({ kind: 'day', day }),
});
parentPort?.postMessage({ kind: 'done', parts, profile, counts });
