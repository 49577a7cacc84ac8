import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Strategy } from '#core/workflows/risks';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import {
  isConditionalCheckFailed,
  isTransactionCanceled,
  NotFoundError,
  whenConditionHolds,
} from './errors.ts';
import { keys } from './keys.ts';

export interface RiskRecord {
  riskId: string;
  accountId: string;
  region: string;
  arr: number;
  status: 'open' | 'closed';
  tier: 1 | 2 | 3;
  openedAt: string;
  primaryCause: string;
  secondaryCause: string | null;
  strategy: Strategy;
  reasons: string[];
  ackDeadline: string | null;
  acknowledgedAt: string | null;
  ackNote: string | null;
  scoreAtTier: number | null;
  closedAt: string | null;
  closeReason: string | null;
  /** Set when a CSM overrode the derived root cause. */
  causeOverriddenBy: string | null;
}

/** Risk ids carry their account so that POST /v1/risks/{id}/ack needs no index: `r.<base64url account>.<opened>`. */
export function riskIdFor(accountId: string, openedAt: string): string {
  return `r.${Buffer.from(accountId, 'utf8').toString('base64url')}.${openedAt.replace(/[^0-9]/g, '').slice(0, 12)}`;
}

export function accountOfRisk(riskId: string): string | undefined {
  const match = /^r\.([A-Za-z0-9_-]+)\.\d{12}$/.exec(riskId);
  return match ? Buffer.from(match[1] as string, 'base64url').toString('utf8') : undefined;
}

const noOpenRisk = 'attribute_not_exists(pk)';
const stillOpen = '#status = :open';

/** acknowledgedAt is absent until acknowledged, so that `if_not_exists` keeps the first acknowledgement. */
function toRisk(item: Record<string, unknown>): RiskRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...risk } = item;
  return {
    ...(risk as unknown as RiskRecord),
    acknowledgedAt: (risk.acknowledgedAt as string | undefined) ?? null,
  };
}

export async function getRisk(db: Db, accountId: string, riskId: string): Promise<RiskRecord | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.risk(accountId, riskId), ConsistentRead: true }),
  );
  return out.Item ? toRisk(out.Item) : undefined;
}

export async function getOpenRisk(db: Db, accountId: string): Promise<RiskRecord | undefined> {
  const pointer = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.openRisk(accountId), ConsistentRead: true }),
  );
  return pointer.Item ? getRisk(db, accountId, String(pointer.Item.riskId)) : undefined;
}

/**
 * Opens a risk unless the account already has one open; the open-risk pointer makes this safe under retries and
 * concurrent checkpoints. Returns the open risk and whether this call created it.
 */
export async function openRisk(db: Db, risk: RiskRecord): Promise<{ risk: RiskRecord; created: boolean }> {
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: { ...keys.openRisk(risk.accountId), kind: 'openRisk', riskId: risk.riskId },
              ConditionExpression: noOpenRisk,
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...keys.risk(risk.accountId, risk.riskId),
                kind: 'risk',
                ...risk,
                acknowledgedAt: undefined,
              },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...keys.regionRisk(risk.region, risk.riskId),
                kind: 'regionRisk',
                accountId: risk.accountId,
                riskId: risk.riskId,
              },
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: { ...keys.riskRegion(risk.region), kind: 'riskRegion', region: risk.region },
            },
          },
        ],
      }),
    );
    return { risk, created: true };
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const existing = await getOpenRisk(db, risk.accountId);
    if (!existing) throw error;
    return { risk: existing, created: false };
  }
}

/** Raises an open risk to a higher tier; false when it is already there or closed (a repeated deadline). */
export async function raiseTier(
  db: Db,
  risk: Pick<RiskRecord, 'accountId' | 'riskId'>,
  toTier: 2 | 3,
  changes: { ackDeadline: string | null; scoreAtTier: number | null },
): Promise<boolean> {
  return whenConditionHolds(async () => {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.risk(risk.accountId, risk.riskId),
        UpdateExpression:
          'SET tier = :tier, ackDeadline = :deadline, scoreAtTier = :score REMOVE acknowledgedAt',
        ConditionExpression: `${stillOpen} AND tier < :tier`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':tier': toTier,
          ':deadline': changes.ackDeadline,
          ':score': changes.scoreAtTier,
          ':open': 'open',
        },
      }),
    );
  });
}

export async function acknowledgeRisk(db: Db, riskId: string, note: string, at: string): Promise<RiskRecord> {
  const accountId = accountOfRisk(riskId);
  if (!accountId) throw new NotFoundError(`risk "${riskId}"`);
  try {
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.risk(accountId, riskId),
        UpdateExpression: 'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), ackNote = :note',
        ConditionExpression: `attribute_exists(pk) AND ${stillOpen}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':note': note, ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRisk(out.Attributes ?? {});
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await getRisk(db, accountId, riskId);
    if (!existing) throw new NotFoundError(`risk "${riskId}"`);
    throw new RiskClosedError(riskId);
  }
}

export class RiskClosedError extends Error {
  constructor(riskId: string) {
    super(`risk "${riskId}" is closed`);
    this.name = 'RiskClosedError';
  }
}

/** Closes an open risk: the open pointer and the region's index entry go, the record stays with its reason. */
export async function closeRisk(
  db: Db,
  risk: Pick<RiskRecord, 'accountId' | 'riskId' | 'region'>,
  reason: string,
  at: string,
) {
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: db.tableName,
              Key: keys.openRisk(risk.accountId),
              ConditionExpression: 'riskId = :risk',
              ExpressionAttributeValues: { ':risk': risk.riskId },
            },
          },
          {
            Update: {
              TableName: db.tableName,
              Key: keys.risk(risk.accountId, risk.riskId),
              UpdateExpression: 'SET #status = :closed, closedAt = :at, closeReason = :reason',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':closed': 'closed', ':at': at, ':reason': reason },
            },
          },
          { Delete: { TableName: db.tableName, Key: keys.regionRisk(risk.region, risk.riskId) } },
          { Delete: { TableName: db.tableName, Key: keys.regionalReview(risk.region, risk.accountId) } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isTransactionCanceled(error)) return false;
    throw error;
  }
}

export async function listRisks(db: Db, accountId: string): Promise<RiskRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': 'RISK#r.' },
  });
  return items.map(toRisk);
}

/** Puts an account on its region's weekly cross-functional review (tier 3); repeated puts change nothing. */
export async function addToRegionalReview(db: Db, risk: RiskRecord, at: string): Promise<void> {
  await db.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: db.tableName,
            Item: {
              ...keys.regionalReview(risk.region, risk.accountId),
              kind: 'regionalReview',
              accountId: risk.accountId,
              riskId: risk.riskId,
              region: risk.region,
              addedAt: at,
            },
          },
        },
      ],
    }),
  );
}

export async function regionalReview(
  db: Db,
  region: string,
): Promise<{ accountId: string; riskId: string; addedAt: string }[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.regionalReviewPartition(region) },
  });
  return items.map((i) => ({
    accountId: String(i.accountId),
    riskId: String(i.riskId),
    addedAt: String(i.addedAt),
  }));
}

/** Regions that ever had a risk: the digest's list of regions to report on. */
export async function riskRegions(db: Db): Promise<string[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.riskRegion('').pk },
  });
  return items.map((i) => String(i.region)).sort();
}

/** The open risks of a region, from its index. */
export async function openRisksInRegion(db: Db, region: string): Promise<RiskRecord[]> {
  const entries = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.regionRisk(region, '').pk },
    ConsistentRead: true,
  });
  const risks = await Promise.all(entries.map((e) => getRisk(db, String(e.accountId), String(e.riskId))));
  return risks.filter((r): r is RiskRecord => r?.status === 'open');
}
