import { checkSignals, groupByAccountDay, type Rejection } from '#core/ingest';
import { existingAccountIds } from '#store/account-store';
import type { Db } from '#store/client';
import { mapLimit } from '#store/parallel';
import { ingestDay } from '#store/signal-store';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

/** Account-days in flight per batch: enough to hide DynamoDB latency, few enough not to throttle. */
const DAY_CONCURRENCY = 16;

/**
 * The one ingest path (HTTP, queue, import, webhooks): validate each record, refuse unknown accounts, then store
 * each account-day exactly once with its rollup.
 */
export async function ingestSignals(db: Db, records: readonly unknown[], now: Date): Promise<IngestResult> {
  const checked = checkSignals(records, now);
  const known = await existingAccountIds(
    db,
    checked.valid.map(({ signal }) => signal.accountId),
  );
  const rejected = [...checked.rejected];
  const storable = [];
  for (const { index, signal } of checked.valid) {
    if (known.has(signal.accountId)) storable.push(signal);
    else
      rejected.push({
        index,
        id: signal.id,
        errors: [
          {
            path: 'accountId',
            message: `unknown account "${signal.accountId}"; create it with POST /v1/accounts first`,
          },
        ],
      });
  }
  const results = await mapLimit(groupByAccountDay(storable), DAY_CONCURRENCY, (group) =>
    ingestDay(db, group),
  );
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: results.reduce((sum, r) => sum + r.accepted, 0),
    duplicates: results.reduce((sum, r) => sum + r.duplicates, 0) + checked.repeatedInBatch,
    rejected,
  };
}
