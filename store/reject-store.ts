import type { Rejection } from '#core/ingest';
import { batchPut } from './batch.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';

/**
 * Records the asynchronous path could not accept, kept with their reasons so that none is silently dropped.
 * The raw record is kept because it is what an operator needs to fix and resend it.
 */
export async function recordRejects(
  db: Db,
  source: string,
  receivedAt: Date,
  records: readonly unknown[],
  rejected: readonly Rejection[],
): Promise<void> {
  const at = receivedAt.toISOString();
  await batchPut(
    db,
    rejected.map((r) => ({
      ...keys.ingestReject(at.slice(0, 10), at, source, r.index),
      kind: 'reject',
      source,
      receivedAt: at,
      errors: r.errors,
      record: JSON.stringify(records[r.index]).slice(0, 20_000),
    })),
  );
}
