import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGet, queryAll } from '#store/batch';
import type { Db } from '#store/client';
import { getItemRequest } from '#store/read-requests';
import { createTestDb } from '../support/db.ts';

/**
 * Reads through the low-level read client (store/read-requests.ts) convert keys and values as the document client
 * does: every kind of attribute comes back as the document client returns it, and a Query's pages follow on.
 */

const item = (n: number) => ({
  pk: 'ACCOUNT#a',
  sk: `ROLLUP#2026-06-0${n}`,
  text: `day ${n}`,
  count: n,
  ratio: n / 4,
  flag: n % 2 === 0,
  nothing: null,
  list: ['x', n, { nested: [true, 'y'] }],
  map: { counts: { login: n, nps: 0 }, empty: {} },
  names: new Set(['a', 'b']),
  numbers: new Set([1, n + 1]),
});

async function stored(count: number): Promise<Db> {
  const db = await createTestDb();
  for (let n = 1; n <= count; n++)
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item(n) }));
  return db;
}

const throughDoc = async (db: Db, key: { pk: string; sk: string }) =>
  (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item;

describe('reads through the read client', () => {
  it('return an item as the document client returns it, every kind of attribute included', async () => {
    const db = await stored(1);
    expect(db.readClient).toBeDefined();
    const key = { pk: 'ACCOUNT#a', sk: 'ROLLUP#2026-06-01' };
    const read = await getItemRequest(db, key, true);
    expect(read).toEqual(await throughDoc(db, key));
    expect(read).toEqual(item(1));
    expect(await getItemRequest(db, { pk: 'ACCOUNT#a', sk: 'PROFILE' }, true)).toBeUndefined();
  });

  it('follow a Query from page to page, with the values of its expression converted', async () => {
    const db = await stored(5);
    const items = await queryAll(db, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': 'ACCOUNT#a',
        ':from': 'ROLLUP#2026-06-02',
        ':to': 'ROLLUP#2026-06-05',
      },
      ConsistentRead: true,
      Limit: 2,
    });
    // Four items at two a page: all of them only if each page's last key started the next.
    expect(items).toEqual([2, 3, 4, 5].map(item));
  });

  it('batch-read the items found, leaving out keys with no item', async () => {
    const db = await stored(3);
    const keys = [1, 2, 3, 4].map((n) => ({ pk: 'ACCOUNT#a', sk: `ROLLUP#2026-06-0${n}` }));
    const found = await batchGet(db, keys);
    expect(found.sort((a, b) => String(a.sk).localeCompare(String(b.sk)))).toEqual([1, 2, 3].map(item));
  });
});
