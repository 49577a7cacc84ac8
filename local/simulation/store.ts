import type { Config } from '#config/schema';
import { createDb, type Db } from '#store/client';
import { keys } from '#store/keys';
import { createMemoryDb, keepWithin } from '#store/memory/client';
import { scoringHorizons } from '#store/memory/horizons';
import type { Horizon } from '#store/memory/table';
import { ensureTable } from '#store/table';
import { startDynamoDbLocal } from '../dynamodb-local.ts';
import type { HistoryArchive } from './history-archive.ts';

/**
 * Where a simulation keeps its data. `memory` is the in-memory store adapter (store/memory), which passes the
 * same tests as DynamoDB and makes a portfolio-year take minutes; `dynamodb-local` runs on a private in-memory
 * DynamoDB Local, for a run that uses nothing but the real database engine. Its TTL follows the wall clock, not
 * the virtual one, so it is left off there: raw signals are kept for the whole run, which changes no result.
 */
export type SimulationStore = 'memory' | 'dynamodb-local';
export const SIMULATION_STORES: readonly SimulationStore[] = ['memory', 'dynamodb-local'];

const TABLE = 'churnguard-simulation';

/**
 * What a run's in-memory store forgets, besides what expires (TTL): what scoring no longer reads
 * (store/memory/horizons.ts), each forgotten item folded into the run's archive for its result, and raw signals
 * once their day is over. A signal may only be forgotten once no retry or replay of it can arrive, since ingest
 * finds a repeat by its key (store/signal-store.ts); a run posts each signal, and any repeat of it, only on the
 * virtual day it happened (its day's hours, run.ts), so that is the end of that day, when the day's sweep runs.
 * Nothing else reads a signal item: the rollups keep what scoring needs.
 */
export function simulationHorizons(config: Config, archive: HistoryArchive): Horizon[] {
  return [
    ...scoringHorizons(config, {
      rollup: archive.rollupForgotten,
      healthChange: archive.changeForgotten,
    }),
    { prefix: keys.signalPrefix, days: 0 },
  ];
}

export async function openSimulationStore(
  kind: SimulationStore,
  horizons: readonly Horizon[] = [],
): Promise<{ db: Db; close(): Promise<void> }> {
  if (kind === 'memory') {
    const db = createMemoryDb(TABLE);
    // The adapter's TTL runs on the virtual clock: the run sweeps expired items once a virtual day, and with
    // horizons (store/memory/horizons.ts) forgets what no reader of the run reads any more.
    await ensureTable(db.doc, TABLE, { timeToLive: true });
    keepWithin(db, horizons);
    return { db, close: async () => {} };
  }
  const dynamo = await startDynamoDbLocal();
  try {
    const db = createDb(TABLE, dynamo.endpoint);
    await ensureTable(db.doc, TABLE);
    return {
      db,
      close: async () => {
        db.doc.destroy();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
