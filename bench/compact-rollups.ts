import '#local/quiet-sdk';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { defaultConfig as config } from '#config/default';
import { utcDay } from '#core/clock';
import { addDays } from '#core/health/days';
import type { DailyRollup } from '#core/rollup';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { upsertAccounts } from '#store/account-store';
import { createDb } from '#store/client';
import { keys } from '#store/keys';
import { readRollups } from '#store/signal-store';
import { ensureTable } from '#store/table';
import { accountFor, signalsFor } from '../tests/support/health-portfolio.ts';
import { historyFor, historyOf, storeHistory } from '../tests/support/seed-store.ts';
import { machine, round } from './support.ts';

/**
 * A design probe for issue 20's "scoring at 1-2 ms of CPU per account": what reading an account's lookback of
 * rollups costs this process through the AWS SDK on DynamoDB Local as the store keeps them today (each rollup's
 * counts, instants and values as nested DynamoDB maps), against the same rollups kept as one JSON string attribute
 * per item and parsed with JSON.parse (`compact`), and the whole lookback as one item of JSON read by GetItem
 * (`oneItem`: a per-account window item); and the rollups as stored, read with a projection of what scoring
 * reads (`projected`: no day's user ids, no merge book; a projection saves transfer and unmarshalling, not read
 * units). Each is read by Query, consistent, one account after another; CPU of this process only. Nothing in the product reads the compact form: this measures whether changing the stored form
 * would pay before anyone does it.
 *
 *   BENCH_ACCOUNTS (100)
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const NOW = new Date('2026-06-01T12:00:00Z');

const dynamo = await startDynamoDbLocal();
try {
  const db = createDb('bench-compact', dynamo.endpoint);
  await ensureTable(db.doc, db.tableName);
  const seeds = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: `acct-${i}`,
    segment: 'core' as const,
    profile: 'healthy' as const,
    onSchedule: true,
  }));
  await upsertAccounts(
    db,
    seeds.map((s) => accountFor(s, NOW)),
    NOW,
  );
  const template = historyOf(signalsFor({ ...(seeds[0] as (typeof seeds)[0]), id: 'template' }, NOW), NOW);
  const histories = seeds.map((s) => historyFor(s.id, template));
  await storeHistory(db, { rollups: histories.flatMap((h) => h.rollups), tickets: [] });
  const fromDay = utcDay(addDays(NOW, -(config.health.lookbackDays - 1)));
  const toDay = utcDay(NOW);
  const compactPk = (id: string) => `compact#${id}`;
  const windowPk = (id: string) => `window#${id}`;
  for (const seed of seeds) {
    const rollups = await readRollups(db, seed.id, fromDay, toDay, { consistent: true });
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: windowPk(seed.id), sk: toDay, data: JSON.stringify(rollups) },
      }),
    );
    for (const rollup of rollups)
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { pk: compactPk(seed.id), sk: rollup.day, data: JSON.stringify(rollup) },
        }),
      );
  }
  const cpuPerAccount = async (fn: (id: string) => Promise<unknown>) => {
    for (const s of seeds.slice(0, 10)) await fn(s.id);
    const start = process.cpuUsage();
    for (const s of seeds) await fn(s.id);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / seeds.length;
  };
  let items = 0;
  const asStored = await cpuPerAccount(async (id) => {
    items = (await readRollups(db, id, fromDay, toDay, { consistent: true })).length;
  });
  // Counted once, outside the timed reads: how many user ids a stored rollup of this portfolio holds.
  const sample = await readRollups(db, 'acct-0', fromDay, toDay, { consistent: true });
  const users = sample.reduce((sum, rollup) => sum + rollup.activeUsers.length, 0);
  /** A consistent Query of one partition's sort keys from `from` to `to`, with any further parameters. */
  const queryRange = (pk: string, from: string, to: string, more: Record<string, unknown> = {}) =>
    db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
        ...more,
      }),
    );
  // What scoring reads of a stored rollup: everything but the day's user ids and the merge book, which only ingest reads.
  const scoringFields: (keyof DailyRollup)[] = [
    'accountId',
    'day',
    'signalCount',
    'counts',
    'sums',
    'latestValues',
    'lastAt',
    'activeUserCount',
    'features',
    'milestones',
    'ticketsOpened',
    'ticketsClosed',
    'outcomes',
    'contractReductions',
    'capped',
    'relationshipAssessment',
    'metrics',
  ];
  const projection = {
    ProjectionExpression: scoringFields.map((_, i) => `#f${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(scoringFields.map((name, i) => [`#f${i}`, name])),
  };
  const projected = await cpuPerAccount(async (id) => {
    const { sk: from } = keys.rollup(id, fromDay);
    const { sk: to } = keys.rollup(id, toDay);
    return (await queryRange(keys.accountPartition(id), from, to, projection)).Items ?? [];
  });
  const compact = await cpuPerAccount(async (id) => {
    const out = await queryRange(compactPk(id), fromDay, toDay);
    return (out.Items ?? []).map((item) => JSON.parse(String(item.data)));
  });
  const oneItem = await cpuPerAccount(async (id) => {
    const out = await db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: windowPk(id), sk: toDay }, ConsistentRead: true }),
    );
    return JSON.parse(String(out.Item?.data));
  });
  const load = (await import('node:os')).loadavg().map((x) => round(x, 1));
  console.log(
    JSON.stringify({
      bench: 'compact-rollups',
      accounts: ACCOUNTS,
      rollupsPerAccount: items,
      activeUsersPerRollup: round(users / Math.max(1, sample.length), 1),
      asStoredMsPerAccount: round(asStored, 3),
      projectedMsPerAccount: round(projected, 3),
      projectedRatio: round(projected / asStored, 2),
      compactMsPerAccount: round(compact, 3),
      ratio: round(compact / asStored, 2),
      oneItemMsPerAccount: round(oneItem, 3),
      oneItemRatio: round(oneItem / asStored, 2),
      load,
      machine: machine(),
    }),
  );
  db.doc.destroy();
} finally {
  await dynamo.stop();
}
