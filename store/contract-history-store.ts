import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type ContractEvent, churnedNow, contractEventSchema } from '#core/renewals/contract-history';
import type { RenewalCall } from '#core/renewals/desk';
import { FORECAST_CATEGORIES } from '#core/renewals/forecast';
import { batchGet, batchPut, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { mapLimit } from './parallel.ts';
import { parseItem } from './parse-item.ts';

/**
 * Retention's history (core/renewals/contract-history.ts): one item per change of an account's contract ARR and
 * per renewal outcome, `ACCOUNT#<id> / CONTRACT#<at>#<ref>`. The key is deterministic in what caused it, so a
 * retried upsert or a replayed outcome writes the same item again.
 */

/** The item of an event: `ref` names its cause (`recorded`, `changed`, `outcome#<signalId>`). */
export function contractEventItem(event: ContractEvent, ref: string): Record<string, unknown> {
  return { ...keys.contractEvent(event.accountId, event.at, ref), kind: 'contractEvent', ...event };
}

export async function recordContractEvents(
  db: Db,
  events: readonly { event: ContractEvent; ref: string }[],
): Promise<void> {
  await batchPut(
    db,
    events.map(({ event, ref }) => contractEventItem(event, ref)),
  );
}

/**
 * A renewal outcome, first write wins: a replayed outcome signal (ingest runs its consequences again on purpose)
 * finds it and leaves it as it was, so the ARR it records stays the ARR the renewal was worth when it ended.
 */
export function recordOutcomeOnce(db: Db, event: ContractEvent, ref: string): Promise<boolean> {
  return whenConditionHolds(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: contractEventItem(event, ref),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

export async function readContractHistory(db: Db, accountId: string): Promise<ContractEvent[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.accountPartition(accountId),
      ':prefix': keys.contractEventPrefix,
    },
  });
  return items.map((item) => parseItem(contractEventSchema, item, 'contract event'));
}

/**
 * Whether the account is churned now, as its stored history judges it (churnedNow): `churnInLookback` is whether the
 * lookback's rollups show a churn (accountFacts), false where they were not read.
 */
export async function readContractChurned(
  db: Db,
  account: { id: string; contract: { renewalDate: string } },
  churnInLookback = false,
): Promise<boolean> {
  return churnedNow(await readContractHistory(db, account.id), account.contract.renewalDate, churnInLookback);
}

const HISTORIES_IN_FLIGHT = 16;

/** The histories of many accounts, one Query each, by account id. */
export async function readContractHistories(
  db: Db,
  accountIds: readonly string[],
): Promise<Map<string, ContractEvent[]>> {
  const histories = await mapLimit(accountIds, HISTORIES_IN_FLIGHT, (id) => readContractHistory(db, id));
  return new Map(accountIds.map((id, i) => [id, histories[i] ?? []]));
}

export const renewalCallSchema: z.ZodType<RenewalCall> = z.object({
  renewalDate: z.string(),
  category: z.enum(FORECAST_CATEGORIES),
  note: z.string().nullable(),
  by: z.string(),
  at: z.string(),
});

/** The CSM's call replaces any earlier one; it holds for the renewal date it names. */
export async function saveRenewalCall(db: Db, accountId: string, call: RenewalCall): Promise<void> {
  const out = await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.renewalCall(accountId), kind: 'renewalCall', ...call },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
}

export async function readRenewalCall(db: Db, accountId: string): Promise<RenewalCall | null> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.renewalCall(accountId),
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item ? parseItem(renewalCallSchema, out.Item, 'renewal call') : null;
}

/**
 * The calls of many accounts in BatchGetItem requests of 100 keys, by account id (an account without one is
 * absent): what the renewal desk reads instead of one GetItem per account.
 */
export async function readRenewalCalls(
  db: Db,
  accountIds: readonly string[],
): Promise<Map<string, RenewalCall>> {
  const byPartition = new Map(accountIds.map((id) => [keys.renewalCall(id).pk, id]));
  const items = await batchGet(
    db,
    [...new Set(accountIds)].map((id) => keys.renewalCall(id)),
  );
  const calls = new Map<string, RenewalCall>();
  for (const item of items) {
    const accountId = byPartition.get(String(item.pk));
    if (accountId !== undefined) calls.set(accountId, parseItem(renewalCallSchema, item, 'renewal call'));
  }
  return calls;
}
