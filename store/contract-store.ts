import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  type BillingSource,
  billingSourceSchema,
  type CombinedContract,
  type ContractValueSource,
  combineSources,
  isNewerPatch,
  applyPatch as nextSource,
} from '#core/connectors/contract';
import type { AccountPatch } from '#core/connectors/shared';
import { changeEvent } from '#core/renewals/contract-history';
import { queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { contractEventItem } from './contract-history-store.ts';
import { keys } from './keys.ts';
import { backoffMs, sleep } from './parallel.ts';

/**
 * Contract data from billing webhooks (Stripe). Each billing object (subscription) keeps its own item,
 * `ACCOUNT#<id> / BILLING#<sourceRef>`, holding the last patch applied; the account's contract (renewalDate,
 * arr, and the top-level arr used for segmentation) is recomputed from all of them by `combineSources`.
 *
 * - Idempotent and order-independent: a patch is applied only if newer than the one applied for its sourceRef
 *   (`isNewerPatch`), so replays and late deliveries change nothing.
 * - Concurrent patches of one account are serialised by the summary item's version (`ACCOUNT#<id> / BILLING`):
 *   the source, the summary and the profile are written in one transaction conditioned on what was read, and a
 *   lost race reads again.
 */

/** The account's contract as it stands after an applied patch. */
export interface AccountContract {
  startDate: string;
  renewalDate: string;
  arr: number;
}

export type PatchOutcome =
  | { outcome: 'applied'; combined: CombinedContract; contract: AccountContract; renewalMoved: boolean }
  | { outcome: 'unchanged'; contract: AccountContract }
  | { outcome: 'unknown_account' };

const MAX_ATTEMPTS = 10;

const summaryItem = z.looseObject({ version: z.number().int() });
const profileItem = z.looseObject({
  currency: z.string(),
  contract: z.looseObject({ startDate: z.string(), renewalDate: z.string(), arr: z.number() }),
});

const sourceUnchanged = 'eventId = :previousEvent AND observedAt = :previousAt';
const sourceAbsent = 'attribute_not_exists(pk)';
const summaryUnchanged = 'version = :version';
const summaryAbsent = 'attribute_not_exists(pk)';
const accountExists = 'attribute_exists(pk)';

async function readBilling(db: Db, accountId: string) {
  const [items, profileOut] = await Promise.all([
    queryAll(db, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.billingPrefix },
      ConsistentRead: true,
    }),
    db.doc.send(
      new GetCommand({
        TableName: db.tableName,
        Key: keys.account(accountId),
        ConsistentRead: true,
        ProjectionExpression: 'currency, #contract',
        ExpressionAttributeNames: { '#contract': 'contract' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    ),
  ]);
  recordCapacity(db, profileOut.ConsumedCapacity, 'read');
  const summarySk = keys.billing(accountId).sk;
  const summary = items.find((item) => item.sk === summarySk);
  const sources = items
    .filter((item) => item.sk !== summarySk)
    .map((item) => billingSourceSchema.parse(item));
  return {
    profile: profileOut.Item ? profileItem.parse(profileOut.Item) : undefined,
    version: summary ? summaryItem.parse(summary).version : undefined,
    sources,
  };
}

function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TransactionCanceledException' || error.name === 'TransactionConflictException')
  );
}

/**
 * Applies one contract patch to its account. `unknown_account` when the account does not exist (nothing is
 * written); `unchanged` when the patch is not newer than what its sourceRef already holds. Both `applied` and
 * `unchanged` answer the account's contract as it now stands, for what follows from it (renewal timers).
 */
export async function applyAccountPatch(
  db: Db,
  patch: AccountPatch,
  now: Date,
  arrFrom: ContractValueSource = 'billing',
): Promise<PatchOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt, 10, 300));
    const { profile, version, sources } = await readBilling(db, patch.accountId);
    if (!profile) return { outcome: 'unknown_account' };
    const current = sources.find((s) => s.sourceRef === patch.sourceRef);
    if (!isNewerPatch(patch, current)) {
      const { startDate, renewalDate, arr } = profile.contract;
      return { outcome: 'unchanged', contract: { startDate, renewalDate, arr } };
    }

    const next: BillingSource = nextSource(current, patch);
    const all = [...sources.filter((s) => s !== current), next];
    const contract = combineSources(
      all,
      { currency: profile.currency, startDate: profile.contract.startDate },
      arrFrom,
    );
    const after: AccountContract = {
      startDate: profile.contract.startDate,
      renewalDate: contract.renewalDate ?? profile.contract.renewalDate,
      arr: contract.arr ?? profile.contract.arr,
    };
    const sets = ['updatedAt = :now'];
    const values: Record<string, unknown> = { ':now': now.toISOString() };
    if (contract.arr !== undefined) {
      sets.push('arr = :arr', '#contract.arr = :arr');
      values[':arr'] = contract.arr;
    }
    if (contract.renewalDate !== undefined) {
      sets.push('#contract.renewalDate = :renewal');
      values[':renewal'] = contract.renewalDate;
    }
    const arrChange = changeEvent(
      { arr: profile.contract.arr, currency: profile.currency },
      {
        accountId: patch.accountId,
        arr: after.arr,
        currency: profile.currency,
        renewalDate: after.renewalDate,
      },
      now.toISOString(),
    );
    try {
      const out = await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...(arrChange
              ? [{ Put: { TableName: db.tableName, Item: contractEventItem(arrChange, arrChange.cause) } }]
              : []),
            {
              Put: {
                TableName: db.tableName,
                Item: {
                  ...keys.billingSource(patch.accountId, patch.sourceRef),
                  kind: 'billingSource',
                  ...next,
                },
                ConditionExpression: current ? sourceUnchanged : sourceAbsent,
                ...(current
                  ? {
                      ExpressionAttributeValues: {
                        ':previousEvent': current.eventId,
                        ':previousAt': current.observedAt,
                      },
                    }
                  : {}),
              },
            },
            {
              Put: {
                TableName: db.tableName,
                Item: {
                  ...keys.billing(patch.accountId),
                  kind: 'billing',
                  version: (version ?? 0) + 1,
                  sources: all.length,
                  inForce: contract.inForce,
                  ...(contract.arr === undefined ? {} : { arr: contract.arr }),
                  ...(contract.renewalDate === undefined ? {} : { renewalDate: contract.renewalDate }),
                  notes: contract.notes,
                },
                ConditionExpression: version === undefined ? summaryAbsent : summaryUnchanged,
                ...(version === undefined ? {} : { ExpressionAttributeValues: { ':version': version } }),
              },
            },
            {
              Update: {
                TableName: db.tableName,
                Key: keys.account(patch.accountId),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: accountExists,
                ExpressionAttributeNames: sets.some((s) => s.includes('#contract'))
                  ? { '#contract': 'contract' }
                  : undefined,
                ExpressionAttributeValues: values,
              },
            },
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      recordCapacity(db, out.ConsumedCapacity, 'write');
      return {
        outcome: 'applied',
        combined: contract,
        contract: after,
        renewalMoved: after.renewalDate !== profile.contract.renewalDate,
      };
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
    }
  }
  throw new Error(
    `contract of ${patch.accountId} kept changing under ${MAX_ATTEMPTS} attempts (${patch.sourceRef})`,
  );
}
