import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { type Clock, fixedClock } from '#core/clock';
import type { Deps } from '#functions/shared/runtime';
import { createDb, type Db } from '#store/client';
import { createMemoryDb, MemoryDynamoDb } from '#store/memory/client';
import { ensureTable } from '#store/table';

/**
 * A fresh, uniquely named table: in the run's shared DynamoDB Local, or, in the `memory` test project
 * (CHURNGUARD_STORE=memory), in the in-memory store adapter, so the same suites check both backends.
 */
export async function createTestDb(): Promise<Db> {
  const tableName = `test-${randomUUID()}`;
  const db =
    process.env.CHURNGUARD_STORE === 'memory'
      ? createMemoryDb(tableName, sharedMemory)
      : createDb(tableName, inject('dynamoEndpoint'));
  await ensureTable(db.doc, tableName);
  return db;
}

const sharedMemory = new MemoryDynamoDb();

export const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

export function testDeps(db: Db, clock: Clock = fixedClock('2026-06-01T12:00:00Z')): Deps {
  return { db, clock, logger: silentLogger() };
}

/** Every item in the table, sorted by key, without volatile timestamps: for comparing whole table states. */
export async function dumpTable(db: Db, filter: (item: Record<string, unknown>) => boolean = () => true) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.filter(filter).sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
}

export const rollupsOnly = (item: Record<string, unknown>) => item.kind === 'rollup';

/**
 * Rollups as readers see them (store/signal-store.ts readRollups): without the version and repair counters, which
 * legitimately differ with the number of writers and crashes, and without the merge bookkeeping.
 */
export function comparableRollups(items: Record<string, unknown>[]) {
  return items.map(
    ({ version: _version, repairs: _repairs, rawUntil: _rawUntil, book: _book, ...rest }) => rest,
  );
}
