import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Db } from '#store/client';
import { createMemoryDb } from '#store/memory/client';
import { ensureTable } from '#store/table';
import { createTestDb } from '../support/db.ts';

/** Conditions that compare whole maps, on DynamoDB Local and on the in-memory adapter alike. */
async function outcomes(db: Db) {
  const key = { pk: 'ACCOUNT#acme', sk: 'PROFILE' };
  const stored = { plan: 'gold', seats: 12 };
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...key, m: stored } }));
  const compare = async (expression: string, value: Record<string, unknown>) => {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...key, m: stored },
          ConditionExpression: expression,
          ExpressionAttributeValues: { ':m': value },
        }),
      );
      return 'written';
    } catch (error) {
      return (error as Error).name;
    }
  };
  return [
    await compare('m = :m', { seats: 12, plan: 'gold' }),
    await compare('m = :m', { plan: 'gold', seats: 12, extra: true }),
    await compare('m = :m', { plan: 'gold' }),
    await compare('m <> :m', { plan: 'gold', seats: 12 }),
    await compare('m <> :m', { plan: 'gold', seats: 13 }),
  ];
}

describe('map equality in a condition', () => {
  it('holds for the same entries in any order, and fails for one more or one fewer, as in DynamoDB', async () => {
    const memory = createMemoryDb('map-equality');
    await ensureTable(memory.doc, memory.tableName);
    const expected = [
      'written',
      'ConditionalCheckFailedException',
      'ConditionalCheckFailedException',
      'ConditionalCheckFailedException',
      'written',
    ];
    expect(await outcomes(await createTestDb())).toEqual(expected);
    expect(await outcomes(memory)).toEqual(expected);
  });
});
