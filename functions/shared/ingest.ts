import { defaultJourneyBaseline } from '#config/default';
import type { Config } from '#config/schema';
import { checkSignals, groupByAccountDay, type Rejection, type SignalChecks } from '#core/ingest';
import { DEFAULT_RAW_SIGNAL_DAYS, milestoneSignalNames, type Signal, signalDay } from '#core/signals';
import { existingAccountIds } from '#store/account-store';
import type { Db } from '#store/client';
import { markDirty } from '#store/dirty-store';
import { mapLimit } from '#store/parallel';
import { recordReviewOutcome } from '#store/review-store';
import { ingestDay } from '#store/signal-store';
import { closeRenewalCountdown } from './renewal-outcome.ts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

/** Account-days in flight per batch: enough to hide DynamoDB latency, few enough not to throttle. */
const DAY_CONCURRENCY = 16;
const DAY_SECONDS = 86_400;

export interface IngestOptions extends SignalChecks {
  /** Days a raw signal is kept after it arrives (config `retention.rawSignalDays`); its rollup stays. */
  rawSignalDays?: number;
}

/** What ingest takes from the config: retention and the milestone signal names (the default's when absent). */
export function ingestOptions(config?: Config): IngestOptions {
  return {
    rawSignalDays: config?.retention.rawSignalDays ?? DEFAULT_RAW_SIGNAL_DAYS,
    milestoneNames: milestoneSignalNames(config?.journeyBaseline ?? defaultJourneyBaseline),
  };
}

const closedDay = (signal: Signal, rawSignalDays: number) => ({
  path: 'occurredAt',
  message: `falls on ${signalDay(signal)}, a day whose raw signals were retired (they are kept ${rawSignalDays} days after they arrive); its rollup is final, so this signal can no longer be added or told apart from a replay`,
});

/**
 * The one ingest path (HTTP, queue, import, webhooks): validate each record, refuse unknown accounts, then store
 * each account-day exactly once with its rollup, and finally mark each account with a storable signal dirty for
 * the health recompute (one 1-WU write per account per batch; see store/dirty-store.ts). Marking after the store
 * means a recompute that sees the mark also sees the signals; marking replays too (not only newly accepted signals)
 * means a crash between storing and marking is repaired by the retry.
 */
export async function ingestSignals(
  db: Db,
  records: readonly unknown[],
  now: Date,
  { rawSignalDays = DEFAULT_RAW_SIGNAL_DAYS, milestoneNames }: IngestOptions = {},
): Promise<IngestResult> {
  const checked = checkSignals(records, now, milestoneNames ? { milestoneNames } : {});
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
  const expiry = { expiresAt: Math.floor(now.getTime() / 1000) + rawSignalDays * DAY_SECONDS };
  const results = await mapLimit(groupByAccountDay(storable), DAY_CONCURRENCY, (group) =>
    ingestDay(db, group, expiry),
  );
  const closed = new Set(results.flatMap((r) => r.closed));
  if (closed.size > 0)
    for (const { index, signal } of checked.valid)
      if (closed.has(signal))
        rejected.push({ index, id: signal.id, errors: [closedDay(signal, rawSignalDays)] });
  await markDirty(
    db,
    storable.map((signal) => signal.accountId),
    now,
  );
  for (const signal of storable) {
    if (closed.has(signal)) continue;
    if (signal.type === 'renewal_outcome') await closeRenewalCountdown(db, signal);
    const reviewId = signal.attributes?.reviewId;
    if (
      (signal.type === 'meeting_held' || signal.type === 'meeting_missed') &&
      typeof reviewId === 'string'
    ) {
      const status = signal.type === 'meeting_held' ? 'held' : 'missed';
      await recordReviewOutcome(
        db,
        signal.accountId,
        reviewId,
        status,
        new Date(signal.occurredAt).toISOString(),
      );
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: results.reduce((sum, r) => sum + r.accepted, 0),
    duplicates: results.reduce((sum, r) => sum + r.duplicates, 0) + checked.repeatedInBatch,
    rejected,
  };
}
