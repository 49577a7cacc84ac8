import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { utcDay } from '#core/clock';
import { bandChanges } from '#core/health/band-trend';
import { addDays } from '#core/health/days';
import type { HealthSummary } from '#core/health/portfolio';
import type { HealthRecord } from '#core/health/record';
import { bandOrUnknownSchema } from '#core/health/snapshot-schema';
import { JOURNEY_CLASSES } from '#core/health/vocabulary';
import { batchGet, batchPut, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { keys, SHARDS } from './keys.ts';
import { mapLimit } from './parallel.ts';
import { freezeAll, parseItem } from './parse-item.ts';

/**
 * The account registry: one small item per account, spread over a few shard partitions, holding the health
 * summary the portfolio view needs. Whole-portfolio passes (daily recompute, baselines) list accounts here instead
 * of scanning a table full of signals; the portfolio view reads only these items.
 */

const journeySummarySchema = z.object({
  judgedBy: z.enum(['milestones', 'health']),
  pace: z.number().finite(),
  goLiveDate: z.string(),
  milestones: z.array(
    z.object({
      milestone: z.string(),
      dueDay: z.number().finite(),
      reachedDay: z.number().finite().nullable(),
      status: z.enum(['ahead', 'on_time', 'late', 'missed', 'pending']),
    }),
  ),
});

export const summarySchema: z.ZodType<HealthSummary> = z.object({
  segment: z.string(),
  score: z.number().finite().nullable(),
  band: bandOrUnknownSchema,
  journeyClass: z.enum(JOURNEY_CLASSES),
  modelVersion: z.string(),
  scoredAt: z.string(),
  journey: journeySummarySchema.optional(),
  bandTrail: z.array(z.object({ at: z.string(), band: bandOrUnknownSchema })).optional(),
});

const entrySchema = z.object({ accountId: z.string(), health: summarySchema.optional() });
export type PortfolioEntry = z.infer<typeof entrySchema>;

export function healthSummary(record: HealthRecord): HealthSummary {
  const { snapshot, journey } = record;
  return {
    segment: snapshot.segment.segment,
    score: snapshot.score,
    band: snapshot.band,
    journeyClass: journey.journeyClass,
    modelVersion: snapshot.modelVersion,
    scoredAt: snapshot.at,
    journey: {
      judgedBy: journey.judgedBy,
      pace: journey.pace,
      goLiveDate: utcDay(addDays(new Date(`${utcDay(snapshot.at)}T00:00:00Z`), -journey.daysLive)),
      milestones: journey.milestones.map(({ milestone, dueDay, reachedDay, status }) => ({
        milestone,
        dueDay,
        reachedDay,
        status,
      })),
    },
    bandTrail: bandChanges(record.trail),
  };
}

/** Puts an account in the registry; an entry already there keeps its health summary. */
export async function registerAccount(db: Db, accountId: string): Promise<void> {
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.portfolioEntry(accountId),
      UpdateExpression: 'SET kind = :kind, accountId = :id',
      ExpressionAttributeValues: { ':kind': 'portfolio', ':id': accountId },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
}

/**
 * Puts accounts in the registry in bulk: entries already there (with their health summary) are left alone, the
 * missing ones are written 25 to a request. For a bulk upsert, where one UpdateItem per account would dominate.
 */
export async function registerAccounts(db: Db, accountIds: readonly string[]): Promise<void> {
  const present = new Set(
    (await batchGet(db, accountIds.map(keys.portfolioEntry), { projection: 'accountId' })).map((item) =>
      String(item.accountId),
    ),
  );
  await batchPut(
    db,
    [...new Set(accountIds)]
      .filter((id) => !present.has(id))
      .map((accountId) => ({ ...keys.portfolioEntry(accountId), kind: 'portfolio', accountId })),
  );
}

/**
 * The registry update that goes into the same transaction as the health it summarises (health-store.ts). The
 * summary is frozen, like every item this code writes (parse-item.ts writtenItem): the in-memory store then keeps it
 * as it is rather than copying it.
 */
export function summaryUpdate(db: Db, accountId: string, summary: HealthSummary) {
  freezeAll(summary);
  return {
    TableName: db.tableName,
    Key: keys.portfolioEntry(accountId),
    UpdateExpression: 'SET kind = :kind, accountId = :id, health = :health',
    ExpressionAttributeValues: { ':kind': 'portfolio', ':id': accountId, ':health': summary },
  };
}

/**
 * Every registered account with its summary (none until first scored): one consistent Query per shard, so a view
 * read right after a recompute shows it.
 */
export async function listPortfolio(db: Db): Promise<PortfolioEntry[]> {
  const shards = await mapLimit(SHARDS, SHARDS.length, (shard) =>
    queryAll(db, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.portfolioPartition(shard) },
      ConsistentRead: true,
    }),
  );
  return shards
    .flat()
    .map((item) => parseItem(entrySchema, item, 'portfolio entry'))
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/**
 * One shard of the registry in account order, from just after `after` (an account id): how a pass that stops at a
 * time budget resumes. Consistent, like listPortfolio.
 */
export async function listPortfolioShard(db: Db, shard: number, after?: string): Promise<PortfolioEntry[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
    ExpressionAttributeValues: {
      ':pk': keys.portfolioPartition(shard),
      ...(after ? { ':after': keys.portfolioEntry(after).sk } : {}),
    },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(entrySchema, item, 'portfolio entry'));
}
