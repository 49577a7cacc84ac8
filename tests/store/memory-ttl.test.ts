import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeTimeToLiveCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Db } from '#store/client';
import { createMemoryDb, expireItems, MemoryDynamoDb } from '#store/memory/client';
import { ensureTable } from '#store/table';
import { createTestDb, dumpTable } from '../support/db.ts';

/**
 * Time To Live in the in-memory store adapter: the control plane answers as DynamoDB Local does, and the
 * explicit sweep (`expireItems`, the simulator's stand-in for DynamoDB's background deletion) deletes exactly the
 * items DynamoDB would, judged by each item's TTL as it is at the sweep.
 */

const DAY = 86_400;
const YEAR = 365 * DAY;
const NOW = new Date('2026-06-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const at = (seconds: number) => new Date(seconds * 1000);

async function memoryDb(tableName: string, memory = new MemoryDynamoDb()): Promise<Db> {
  const db = createMemoryDb(tableName, memory);
  await ensureTable(db.doc, tableName);
  return db;
}

const setTtl = (db: Db, AttributeName: string, Enabled: boolean, TableName = db.tableName) =>
  db.doc.send(
    new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName, Enabled } }),
  );

const describeTtl = (db: Db, TableName = db.tableName) =>
  db.doc.send(new DescribeTimeToLiveCommand({ TableName }));

const put = (db: Db, sk: string, expiresAt?: unknown) =>
  db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { pk: 'P', sk, ...(expiresAt === undefined ? {} : { expiresAt }) },
    }),
  );

const sortKeys = async (db: Db) => (await dumpTable(db)).map((item) => item.sk);

/** A response without its metadata, or the error: its name, and for a ValidationException its message. */
async function outcome(send: () => Promise<object>) {
  try {
    const { $metadata: _metadata, ...response } = (await send()) as { $metadata?: unknown };
    return response;
  } catch (error) {
    const { name, message } = error as Error;
    // The adapter names the missing table in a ResourceNotFoundException; DynamoDB Local does not.
    return { error: name, ...(name === 'ValidationException' ? { message } : {}) };
  }
}

describe('Time To Live settings', () => {
  it('are answered by the memory adapter as by DynamoDB Local', async () => {
    const dynamo = await createTestDb();
    const memory = await memoryDb('ttl-settings');
    const steps: [string, (db: Db) => Promise<object>, unknown][] = [
      [
        'describe, never enabled',
        (db) => describeTtl(db),
        { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } },
      ],
      [
        'disable while disabled',
        (db) => setTtl(db, 'expiresAt', false),
        { error: 'ValidationException', message: 'TimeToLive is already disabled' },
      ],
      [
        'enable',
        (db) => setTtl(db, 'expiresAt', true),
        { TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } },
      ],
      [
        'describe, enabled',
        (db) => describeTtl(db),
        { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' } },
      ],
      [
        'enable again',
        (db) => setTtl(db, 'expiresAt', true),
        { error: 'ValidationException', message: 'TimeToLive is already enabled' },
      ],
      [
        'enable on another attribute',
        (db) => setTtl(db, 'other', true),
        { error: 'ValidationException', message: 'TimeToLive is active on a different AttributeName' },
      ],
      [
        'disable another attribute',
        (db) => setTtl(db, 'other', false),
        { error: 'ValidationException', message: 'TimeToLive is active on a different AttributeName' },
      ],
      [
        'disable',
        (db) => setTtl(db, 'expiresAt', false),
        { TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiresAt' } },
      ],
      [
        'describe, disabled',
        (db) => describeTtl(db),
        { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } },
      ],
      [
        'enable on another attribute once disabled',
        (db) => setTtl(db, 'other', true),
        { TimeToLiveSpecification: { Enabled: true, AttributeName: 'other' } },
      ],
      [
        'describe, enabled on the other attribute',
        (db) => describeTtl(db),
        { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'other' } },
      ],
      [
        'enable on a missing table',
        (db) => setTtl(db, 'expiresAt', true, 'no-such-table'),
        { error: 'ResourceNotFoundException' },
      ],
      [
        'describe a missing table',
        (db) => describeTtl(db, 'no-such-table'),
        { error: 'ResourceNotFoundException' },
      ],
    ];

    for (const [step, send, expected] of steps) {
      expect({ step, dynamo: await outcome(() => send(dynamo)) }).toEqual({ step, dynamo: expected });
      expect({ step, memory: await outcome(() => send(memory)) }).toEqual({ step, memory: expected });
    }
  });
});

describe('the memory adapter sweeps expired items', () => {
  it('keeps expired items readable until a sweep, then deletes them and nothing else', async () => {
    const memory = new MemoryDynamoDb();
    const db = await memoryDb('ttl-sweep', memory);
    await setTtl(db, 'expiresAt', true);
    await put(db, 'past', NOW_S - 100);
    await put(db, 'four-years-past', NOW_S - 4 * YEAR);
    await put(db, 'six-years-past', NOW_S - 6 * YEAR);
    await put(db, 'future', NOW_S + 100);
    await put(db, 'text', String(NOW_S - 100));
    await put(db, 'none');

    const got = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'P', sk: 'past' } }));
    const queried = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': 'P', ':sk': 'past' },
      }),
    );
    expect(got.Item).toEqual({ pk: 'P', sk: 'past', expiresAt: NOW_S - 100 });
    expect(queried.Items).toEqual([got.Item]);
    expect(await sortKeys(db)).toContain('past');

    expect(memory.expireItems(NOW)).toBe(2);

    expect(await sortKeys(db)).toEqual(['future', 'none', 'six-years-past', 'text']);
    expect(memory.expireItems(NOW)).toBe(0);
    expect(memory.expireItems(at(NOW_S + DAY))).toBe(1);
    expect(await sortKeys(db)).toEqual(['none', 'six-years-past', 'text']);
  });

  it('judges an item by its TTL at the sweep, not the one it was written with', async () => {
    const db = await memoryDb('ttl-rewrites');
    await setTtl(db, 'expiresAt', true);
    const TableName = db.tableName;
    await put(db, 'updated-later', NOW_S - 100);
    await db.doc.send(
      new UpdateCommand({
        TableName,
        Key: { pk: 'P', sk: 'updated-later' },
        UpdateExpression: 'SET expiresAt = :t',
        ExpressionAttributeValues: { ':t': NOW_S + 3 * DAY },
      }),
    );
    await put(db, 'put-later', NOW_S - 100);
    await put(db, 'put-later', NOW_S + 3 * DAY);
    await put(db, 'removed', NOW_S - 100);
    await db.doc.send(
      new UpdateCommand({ TableName, Key: { pk: 'P', sk: 'removed' }, UpdateExpression: 'REMOVE expiresAt' }),
    );
    await put(db, 'updated-earlier', NOW_S + 10 * DAY);
    await db.doc.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'P' }, sk: { S: 'updated-earlier' } },
        UpdateExpression: 'SET expiresAt = :t',
        ExpressionAttributeValues: { ':t': { N: String(NOW_S - 100) } },
      }),
    );

    expect(expireItems(db, NOW)).toBe(1);
    expect(await sortKeys(db)).toEqual(['put-later', 'removed', 'updated-later']);

    expect(expireItems(db, at(NOW_S + 4 * DAY))).toBe(2);
    expect(await sortKeys(db)).toEqual(['removed']);
  });

  it('sees items written by batch writes and transactions', async () => {
    const db = await memoryDb('ttl-write-paths');
    await setTtl(db, 'expiresAt', true);
    const TableName = db.tableName;
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TableName]: [{ PutRequest: { Item: { pk: 'P', sk: 'batch', expiresAt: NOW_S - 100 } } }],
        },
      }),
    );
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: 'P', sk: 'transact-put', expiresAt: NOW_S - 100 } } },
          {
            Update: {
              TableName,
              Key: { pk: 'P', sk: 'transact-update' },
              UpdateExpression: 'SET expiresAt = :t',
              ExpressionAttributeValues: { ':t': NOW_S - 100 },
            },
          },
        ],
      }),
    );
    expect(await sortKeys(db)).toHaveLength(3);

    expect(expireItems(db, NOW)).toBe(3);
    expect(await sortKeys(db)).toEqual([]);
  });

  it('expires items written before TTL was enabled, and none once it is disabled', async () => {
    const memory = new MemoryDynamoDb();
    const enabled = await memoryDb('ttl-enabled', memory);
    const never = await memoryDb('ttl-never', memory);
    await put(enabled, 'before-enabling', NOW_S - 100);
    await put(never, 'past', NOW_S - 100);
    await setTtl(enabled, 'expiresAt', true);

    expect(memory.expireItems(NOW)).toBe(1);
    expect(await sortKeys(enabled)).toEqual([]);
    expect(await sortKeys(never)).toEqual(['past']);

    await put(enabled, 'after-disabling', NOW_S - 100);
    await setTtl(enabled, 'expiresAt', false);
    expect(memory.expireItems(NOW)).toBe(0);
    expect(await sortKeys(enabled)).toEqual(['after-disabling']);
  });

  it('is a no-op on DynamoDB, which expires items by itself', async () => {
    const dynamo = await createTestDb();
    await put(dynamo, 'past', NOW_S - 100);

    expect(expireItems(dynamo, NOW)).toBe(0);
    expect(await sortKeys(dynamo)).toEqual(['past']);
  });
});

describe('expiry against DynamoDB Local', () => {
  it('leaves the same items after DynamoDB Local expires them and the memory adapter is swept', async () => {
    const dynamo = await createTestDb();
    const memory = await memoryDb('ttl-differential');
    const now = Math.floor(Date.now() / 1000);
    for (const db of [dynamo, memory]) {
      await setTtl(db, 'expiresAt', true);
      await put(db, 'expired', now - 100);
      await put(db, 'future', now + 3600);
      await put(db, 'text', String(now - 100));
      await put(db, 'six-years-past', now - 6 * YEAR);
    }

    // DynamoDB Local sweeps expired items on its own schedule, slower on a loaded machine: wait generously.
    const deadline = Date.now() + 90_000;
    while ((await sortKeys(dynamo)).includes('expired') && Date.now() < deadline) await sleep(250);
    expect(expireItems(memory, new Date())).toBe(1);

    expect(await sortKeys(dynamo)).not.toContain('expired');
    expect(await dumpTable(memory)).toEqual(await dumpTable(dynamo));
  });
});
