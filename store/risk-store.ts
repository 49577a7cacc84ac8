import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { accountOfRisk, type RiskRecord, riskRecordSchema } from '#core/workflows/risk-record';
import type { RootCauseId, Strategy } from '#core/workflows/root-causes';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import {
  isConditionalCheckFailed,
  NotFoundError,
  whenConditionHolds,
  whenTransactionConditionsHold,
} from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

export type { RiskRecord } from '#core/workflows/risk-record';

const toRisk = (item: Record<string, unknown>) => parseItem(riskRecordSchema, item, 'risk');

/**
 * A new tier is stored without acknowledgement fields (read back as null), so that `if_not_exists` keeps the first
 * acknowledgement of the tier: an attribute holding null would count as existing.
 */
function withoutAcknowledgement(risk: RiskRecord) {
  const { acknowledgedAt: _at, ackNote: _note, acknowledgedBy: _by, ...rest } = risk;
  return rest;
}

export async function getRisk(db: Db, accountId: string, riskId: string): Promise<RiskRecord | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.risk(accountId, riskId), ConsistentRead: true }),
  );
  return out.Item ? toRisk(out.Item) : undefined;
}

const openPointer = z.object({ riskId: z.string() });

export async function getOpenRisk(db: Db, accountId: string): Promise<RiskRecord | undefined> {
  const pointer = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.openRisk(accountId), ConsistentRead: true }),
  );
  if (!pointer.Item) return undefined;
  const { riskId } = parseItem(openPointer, pointer.Item, `open-risk pointer of ${accountId}`);
  return getRisk(db, accountId, riskId);
}

/**
 * Opens a risk unless the account already has one open; the open-risk pointer makes this safe under retries and
 * concurrent checks. Returns the account's open risk afterwards and whether this call created it.
 */
export async function openRisk(db: Db, risk: RiskRecord): Promise<{ risk: RiskRecord; created: boolean }> {
  const created = await whenTransactionConditionsHold(() =>
    db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.tableName,
              Item: { ...keys.openRisk(risk.accountId), kind: 'openRisk', riskId: risk.riskId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: db.tableName,
              Item: {
                ...keys.risk(risk.accountId, risk.riskId),
                kind: 'risk',
                ...withoutAcknowledgement(risk),
              },
              // A risk closed under this id stays closed: a replayed opening must not reopen it.
              ConditionExpression: 'attribute_not_exists(pk)',
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
    ),
  );
  if (created) return { risk, created };
  const existing =
    (await getOpenRisk(db, risk.accountId)) ?? (await getRisk(db, risk.accountId, risk.riskId));
  if (!existing) throw new Error(`risk ${risk.riskId} was neither opened nor found`);
  return { risk: existing, created: false };
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
          'SET tier = :tier, ackDeadline = :deadline, scoreAtTier = :score REMOVE acknowledgedAt, ackNote, acknowledgedBy',
        ConditionExpression: '#status = :open AND tier < :tier',
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

export class RiskClosedError extends Error {
  constructor(riskId: string) {
    super(`risk "${riskId}" is closed`);
    this.name = 'RiskClosedError';
  }
}

async function updateOpenRisk(
  db: Db,
  riskId: string,
  update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
): Promise<RiskRecord> {
  const accountId = accountOfRisk(riskId);
  if (!accountId) throw new NotFoundError(`risk "${riskId}"`);
  try {
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.risk(accountId, riskId),
        ...update,
        ConditionExpression: 'attribute_exists(pk) AND #status = :open',
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':open': 'open' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRisk(out.Attributes ?? {});
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    if (!(await getRisk(db, accountId, riskId))) throw new NotFoundError(`risk "${riskId}"`);
    throw new RiskClosedError(riskId);
  }
}

/**
 * The owner acknowledges the risk's current tier. The first acknowledgement of a tier is kept (its time, note and
 * author): repeating it changes nothing, so a retried request cannot overwrite what was said.
 */
export function acknowledgeRisk(db: Db, riskId: string, note: string, at: string, by: string | null) {
  return updateOpenRisk(db, riskId, {
    UpdateExpression:
      'SET ackNote = if_not_exists(ackNote, :note), acknowledgedBy = if_not_exists(acknowledgedBy, :by), acknowledgedAt = if_not_exists(acknowledgedAt, :at)',
    ExpressionAttributeValues: { ':note': note, ':at': at, ':by': by },
  });
}

/** What detection has seen on an open risk since it opened: its triggers and reasons, as they stand. */
export function noteEvidence(db: Db, riskId: string, evidence: Pick<RiskRecord, 'triggers' | 'reasons'>) {
  return updateOpenRisk(db, riskId, {
    UpdateExpression: 'SET triggers = :triggers, reasons = :reasons',
    ExpressionAttributeValues: { ':triggers': evidence.triggers, ':reasons': evidence.reasons },
  });
}

/** A CSM sets the root causes by hand; the strategy follows the new primary cause. */
export function overrideRootCauses(
  db: Db,
  riskId: string,
  causes: { primary: RootCauseId; secondary: RootCauseId | null; strategy: Strategy; by: string },
) {
  return updateOpenRisk(db, riskId, {
    UpdateExpression:
      'SET primaryCause = :primary, secondaryCause = :secondary, strategy = :strategy, causeOverriddenBy = :by',
    ExpressionAttributeValues: {
      ':primary': causes.primary,
      ':secondary': causes.secondary,
      ':strategy': causes.strategy,
      ':by': causes.by,
    },
  });
}

/**
 * Closes an open risk: the open pointer and the region's index entries go, the record stays with its reason.
 * False when it was not open (closed before: a retry, or another close won).
 */
export async function closeRisk(
  db: Db,
  risk: Pick<RiskRecord, 'accountId' | 'riskId' | 'region'>,
  reason: string,
  at: string,
): Promise<boolean> {
  return whenTransactionConditionsHold(() =>
    db.doc.send(
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
              ConditionExpression: '#status = :open',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':closed': 'closed',
                ':open': 'open',
                ':at': at,
                ':reason': reason,
              },
            },
          },
          { Delete: { TableName: db.tableName, Key: keys.regionRisk(risk.region, risk.riskId) } },
          { Delete: { TableName: db.tableName, Key: keys.regionalReview(risk.region, risk.accountId) } },
        ],
      }),
    ),
  );
}

export async function listRisks(db: Db, accountId: string): Promise<RiskRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': 'RISK#r.' },
  });
  return items.map(toRisk);
}

/** Puts an account on its region's weekly cross-functional review (tier 3); repeated puts change nothing. */
export async function addToRegionalReview(
  db: Db,
  risk: Pick<RiskRecord, 'accountId' | 'riskId' | 'region'>,
  at: string,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.regionalReview(risk.region, risk.accountId),
        kind: 'regionalReview',
        accountId: risk.accountId,
        riskId: risk.riskId,
        region: risk.region,
        addedAt: at,
      },
    }),
  );
}

const regionalReviewItem = z.object({ accountId: z.string(), riskId: z.string(), addedAt: z.string() });

export async function regionalReview(
  db: Db,
  region: string,
): Promise<{ accountId: string; riskId: string; addedAt: string }[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.regionalReviewPartition(region) },
  });
  return items.map((item) => parseItem(regionalReviewItem, item, 'regional review entry'));
}

const regionItem = z.object({ region: z.string() });

/** Regions that ever had a risk: the digest's list of regions to report on. */
export async function riskRegions(db: Db): Promise<string[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.riskRegion('').pk },
  });
  return items.map((item) => parseItem(regionItem, item, 'risk region').region).sort();
}

const regionRiskItem = z.object({ accountId: z.string(), riskId: z.string() });

/** The open risks of a region, from its index. */
export async function openRisksInRegion(db: Db, region: string): Promise<RiskRecord[]> {
  const entries = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.regionRisk(region, '').pk },
    ConsistentRead: true,
  });
  const risks = await Promise.all(
    entries.map((entry) => {
      const { accountId, riskId } = parseItem(regionRiskItem, entry, 'region risk index entry');
      return getRisk(db, accountId, riskId);
    }),
  );
  return risks.filter((r): r is RiskRecord => r?.status === 'open');
}
