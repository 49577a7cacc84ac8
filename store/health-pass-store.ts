import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { baselineMetricsSchema } from '#config/schema';
import type { CohortSample } from '#core/health/baselines';
import { feedsSinceSchema } from '#core/health/snapshot-schema';
import { queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * The scheduled health pass's own state (functions/health-pass): a lease so that two invocations never run at
 * once, and the whole-portfolio pass in progress, which one invocation takes as far as its time budget allows and
 * the next one continues.
 */

/**
 * Takes the lease for `holder` until `until`: free, expired, or already this holder's. False when another
 * invocation holds it (a pass still running).
 */
export async function takePassLease(db: Db, holder: string, now: Date, until: Date): Promise<boolean> {
  return whenConditionHolds(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.healthPassLease, kind: 'healthPassLease', holder, until: until.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR holder = :holder',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
      }),
    ),
  );
}

/** Gives the lease back, if it is still this holder's. */
export async function releasePassLease(db: Db, holder: string): Promise<void> {
  await whenConditionHolds(() =>
    db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.healthPassLease,
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
}

const runSchema = z.object({
  runId: z.string(),
  /** `daily`: every account; `model-changed`: only accounts scored under another model. */
  scope: z.enum(['daily', 'model-changed']),
  modelVersion: z.string(),
  startedAt: z.string(),
  /** Learning baselines from samples, then scoring. */
  phase: z.enum(['sample', 'score']),
  shard: z.number().int().min(0),
  /** The last account of `shard` done; absent at the shard's start. */
  after: z.string().optional(),
  /** Sample chunks written so far in this shard (the next chunk's number). */
  chunks: z.number().int().min(0),
  /** Accounts scored so far, by outcome. */
  counts: z.record(z.string(), z.number()),
});

export type PassRun = z.infer<typeof runSchema>;

export async function readPassRun(db: Db): Promise<PassRun | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.healthPassRun, ConsistentRead: true }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item ? parseItem(runSchema, out.Item, 'health pass run') : undefined;
}

/** Saves the pass's progress (only the lease holder writes it, so a plain put). */
export async function savePassRun(db: Db, run: PassRun): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.healthPassRun, kind: 'healthPassRun', ...run },
    }),
  );
}

export async function finishPassRun(db: Db): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.healthPassRun }));
}

const sampleSchema = z.object({
  segment: z.string(),
  sample: z.partialRecord(z.enum(baselineMetricsSchema.keyof().options), z.number()),
  /** An account outside the healthy cohort, sampled for health.measures.segmentQuantile (core/health/baselines.ts). */
  healthy: z.literal(false).optional(),
  feedsSeen: feedsSinceSchema.optional(),
});
const chunkSchema = z.object({ samples: z.array(sampleSchema) });

/** Samples per item: a sample is a few numbers, so a chunk stays far below DynamoDB's 400 KB item size. */
export const SAMPLES_PER_CHUNK = 500;

/** Stores one chunk of a run's baseline samples; it expires by TTL after `expiresAt` (the run is long over). */
export async function putSampleChunk(
  db: Db,
  runId: string,
  shard: number,
  n: number,
  samples: readonly CohortSample[],
  expiresAt: Date,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.healthPassSamples(runId, shard, n),
        kind: 'healthPassSamples',
        samples,
        [TTL_ATTRIBUTE]: Math.floor(expiresAt.getTime() / 1000),
      },
    }),
  );
}

/** Every baseline sample the run stored. */
export async function readSamples(db: Db, runId: string): Promise<CohortSample[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.healthPassRunPartition(runId) },
    ConsistentRead: true,
  });
  return items.flatMap((item) => parseItem(chunkSchema, item, 'health pass samples').samples);
}
