import { describe, expect, it } from 'vitest';
import { batchGet, batchPut, insertIfAbsent } from '#store/batch';
import { createTestDb } from '../support/db.ts';

/** The capacity meter the benchmarks' cost figures read (store/client.ts recordCapacity), on batch writes and reads. */
describe('the capacity meter', () => {
  it('counts a batch write as write units and a batch read as read units, each in its own figure', async () => {
    const db = { ...(await createTestDb()), meter: { readUnits: 0, writeUnits: 0 } };
    // 30 items of about 1.5 KB: 2 write units each (1 KB per unit, rounded up), over two BatchWriteItem requests.
    const items = Array.from({ length: 30 }, (_, n) => ({
      pk: `ACCOUNT#a${n}`,
      sk: 'PROFILE',
      text: 'x'.repeat(1500),
    }));
    await batchPut(db, items);
    expect(db.meter).toEqual({ readUnits: 0, writeUnits: 60 });

    // Strongly consistent reads of items under 4 KB: one read unit each.
    const found = await batchGet(
      db,
      items.map(({ pk, sk }) => ({ pk, sk })),
    );
    expect(found).toHaveLength(30);
    expect(db.meter).toEqual({ readUnits: 30, writeUnits: 60 });
  });

  it('counts each INSERT by its size in 1 KB units, refused repeats included, where DynamoDB Local reports none', async () => {
    const db = { ...(await createTestDb()), meter: { readUnits: 0, writeUnits: 0 } };
    const items = Array.from({ length: 10 }, (_, n) => ({
      pk: `SIGNAL#s${n}`,
      sk: 'S',
      text: 'x'.repeat(2500),
    }));
    expect(await insertIfAbsent(db, items)).toEqual(new Array(10).fill(true));
    // About 2.5 KB each: 3 write units, billed again when the key is taken (DynamoDB bills a refused write).
    expect(db.meter.writeUnits).toBe(30);
    expect(await insertIfAbsent(db, items)).toEqual(new Array(10).fill(false));
    expect(db.meter).toEqual({ readUnits: 0, writeUnits: 60 });
  });
});
