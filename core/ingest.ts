import * as z from 'zod';
import { type AccountInput, accountSchema } from './accounts.ts';
import {
  isInFuture,
  type MilestoneSignalName,
  type Signal,
  signalDay,
  signalSchema,
  unknownMilestoneError,
} from './signals.ts';
import { type FieldError, fieldErrors } from './validation.ts';

export const MAX_SIGNALS_PER_REQUEST = 1000;
export const MAX_ACCOUNTS_PER_REQUEST = 500;

/**
 * Envelopes check only the outer shape; each record is validated on its own so that one bad record is rejected
 * with its reasons while the valid ones in the same batch are stored.
 */
export const signalsEnvelope = z.strictObject({
  signals: z
    .array(z.unknown())
    .min(1, 'must hold at least 1 signal')
    .max(MAX_SIGNALS_PER_REQUEST, `must hold at most ${MAX_SIGNALS_PER_REQUEST} signals; split the batch`),
});

export const accountsEnvelope = z.strictObject({
  accounts: z
    .array(z.unknown())
    .min(1, 'must hold at least 1 account')
    .max(MAX_ACCOUNTS_PER_REQUEST, `must hold at most ${MAX_ACCOUNTS_PER_REQUEST} accounts; split the batch`),
});

export interface Rejection {
  index: number;
  id?: string;
  errors: FieldError[];
}

function idOf(record: unknown): string | undefined {
  if (typeof record === 'object' && record !== null && 'id' in record) {
    const { id } = record;
    if (typeof id === 'string' && id.length <= 256) return id;
  }
  return undefined;
}

function reject(index: number, record: unknown, errors: FieldError[]): Rejection {
  const id = idOf(record);
  return id === undefined ? { index, errors } : { index, id, errors };
}

export interface CheckedSignals {
  valid: { index: number; signal: Signal }[];
  rejected: Rejection[];
  /** Repeats of an id earlier in the same batch (same account and day): counted as duplicates, stored once. */
  repeatedInBatch: number;
}

export interface SignalChecks {
  /** The `milestone` signal names the config's journey baseline detects; others are refused. Unchecked if absent. */
  milestoneNames?: readonly MilestoneSignalName[];
}

/** Validates every record; stamps `receivedAt`; drops in-batch repeats (the first occurrence wins). */
export function checkSignals(
  records: readonly unknown[],
  now: Date,
  { milestoneNames }: SignalChecks = {},
): CheckedSignals {
  const valid: CheckedSignals['valid'] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let repeatedInBatch = 0;
  const receivedAt = now.toISOString();
  records.forEach((record, index) => {
    const parsed = signalSchema.safeParse(record);
    if (!parsed.success) {
      rejected.push(reject(index, record, fieldErrors(parsed.error)));
      return;
    }
    const signal = parsed.data;
    if (isInFuture(signal, now)) {
      rejected.push(reject(index, record, [{ path: 'occurredAt', message: 'is in the future' }]));
      return;
    }
    const unknownMilestone = milestoneNames && unknownMilestoneError(signal, milestoneNames);
    if (unknownMilestone) {
      rejected.push(reject(index, record, [unknownMilestone]));
      return;
    }
    const identity = `${signal.accountId}\u0000${signalDay(signal)}\u0000${signal.id}`;
    if (seen.has(identity)) {
      repeatedInBatch++;
      return;
    }
    seen.add(identity);
    // Object.assign, not a spread: signals come in many shapes, and V8 spreads those slowly (bench/simulate.ts).
    valid.push({ index, signal: Object.assign(signal, { receivedAt }) });
  });
  return { valid, rejected, repeatedInBatch };
}

export interface CheckedAccounts {
  valid: { index: number; account: AccountInput }[];
  rejected: Rejection[];
}

export function checkAccounts(records: readonly unknown[]): CheckedAccounts {
  const valid: CheckedAccounts['valid'] = [];
  const rejected: Rejection[] = [];
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const parsed = accountSchema.safeParse(record);
    if (!parsed.success) {
      rejected.push(reject(index, record, fieldErrors(parsed.error)));
      return;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      rejected.push(
        reject(index, record, [{ path: 'id', message: `repeats accounts[${earlier}] in this batch` }]),
      );
      return;
    }
    seen.set(parsed.data.id, index);
    valid.push({ index, account: parsed.data });
  });
  return { valid, rejected };
}

/** Groups signals by account and UTC day, the unit the store writes atomically-enough (see ingestDay). */
export function groupByAccountDay(
  signals: readonly Signal[],
): { accountId: string; day: string; signals: Signal[] }[] {
  const groups = new Map<string, { accountId: string; day: string; signals: Signal[] }>();
  for (const signal of signals) {
    const day = signalDay(signal);
    const key = `${signal.accountId}\u0000${day}`;
    let group = groups.get(key);
    if (!group) {
      group = { accountId: signal.accountId, day, signals: [] };
      groups.set(key, group);
    }
    group.signals.push(signal);
  }
  return [...groups.values()];
}
