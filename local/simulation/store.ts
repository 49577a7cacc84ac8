import { createDb, type Db } from '#store/client';
import { createMemoryDb, keepWithin } from '#store/memory/client';
import type { Horizon } from '#store/memory/table';
import { ensureTable } from '#store/table';
import { startDynamoDbLocal } from '../dynamodb-local.ts';

/**
 * Where a simulation keeps its data. `memory` is the in-memory store adapter (store/memory), which passes the
 * same tests as DynamoDB and makes a portfolio-year take minutes; `dynamodb-local` runs on a private in-memory
 * DynamoDB Local, for a run that uses nothing but the real database engine. Its TTL follows the wall clock, not
 * the virtual one, so it is left off there: raw signals are kept for the whole run, which changes no result.
 */
export type SimulationStore = 'memory' | 'dynamodb-local';
export const SIMULATION_STORES: readonly SimulationStore[] = ['memory', 'dynamodb-local'];

const TABLE = 'churnguard-simulation';

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
