import { defaultJourneyBaseline } from '#config/default';
import type { Config } from '#config/schema';
import { checkSignals, groupByAccountDay, type Rejection, type SignalChecks } from '#core/ingest';
import { DEFAULT_RAW_SIGNAL_DAYS, milestoneSignalNames, type Signal, signalDay } from '#core/signals';
import { existingAccountIds } from '#store/account-store';
import type { Db } from '#store/client';
import { markDirtyUnlessPending } from '#store/dirty-store';
import { recordReviewOutcome } from '#store/review-store';
import { storeSignalDays } from '#store/signal-store';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
  /** The signals now in the table (new and replayed), for what reacts to them (usecases/risk-triggers.ts). */
  stored: Signal[];
}

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
 * The one ingest path (HTTP, queue, import, webhooks): validate each record, refuse unknown accounts, store each
 * account-day exactly once with its rollup (store/signal-store.ts), then finish the batch (finishBatch).
 * `accepted` counts only the signals this call stored, as their conditional writes answered; `duplicates` the
 * ones already stored (or repeated within the batch).
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
  const storable: Signal[] = [];
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
  const expiresAt = Math.floor(now.getTime() / 1000) + rawSignalDays * DAY_SECONDS;
  const results = await storeSignalDays(db, groupByAccountDay(storable), { expiresAt, now });
  const closed = new Set(results.flatMap((r) => r.closed));
  if (closed.size > 0)
    for (const { index, signal } of checked.valid)
      if (closed.has(signal))
        rejected.push({ index, id: signal.id, errors: [closedDay(signal, rawSignalDays)] });
  await finishBatch(
    db,
    storable.filter((signal) => !closed.has(signal)),
    now,
  );
  rejected.sort((a, b) => a.index - b.index);
  return {
    accepted: results.reduce((sum, r) => sum + r.accepted.length, 0),
    duplicates: results.reduce((sum, r) => sum + r.duplicates, 0) + checked.repeatedInBatch,
    rejected,
    stored: storable.filter((signal) => !closed.has(signal)),
  };
}

/**
 * Where an ingest batch finishes, once its signals are stored (newly, or already by an earlier try): what follows
 * from them. Replays run this again on purpose: every step is idempotent, so a crash between storing and here is
 * repaired by the retry.
 * - Each account is marked dirty for the health recompute, unless its marker is already there and no recompute
 *   has claimed it (store/dirty-store.ts: a consistent read per account, a 1-WU write only where one is needed);
 *   marking after the store means a recompute that sees the mark also sees the signals.
 * - A meeting with a reviewId records the review's outcome. (What reacts to signals beyond the health data, a
 *   renewal outcome closing the countdown, a critical signal starting a risk check, is usecases/ingest.ts.)
 */
async function finishBatch(db: Db, stored: readonly Signal[], now: Date): Promise<void> {
  await markDirtyUnlessPending(
    db,
    stored.map((signal) => signal.accountId),
    now,
  );
  for (const signal of stored) {
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
}
