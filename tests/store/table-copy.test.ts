import { describe, expect, it } from 'vitest';
import { batchPut } from '#store/batch';
import { keys } from '#store/keys';
import { copyTable } from '#store/table-copy';
import { createTestDb, dumpTable } from '../support/db.ts';

/** The demo loader's whole-table copy (store/table-copy.ts), from one DynamoDB Local table into another. */
describe('copying a table', () => {
  it('copies every item as it is, over several Scan pages, except API keys', async () => {
    const [from, to] = await Promise.all([createTestDb(), createTestDb()]);
    // 70 items of 20 KB: 1.4 MB, more than the 1 MB one Scan page returns, and more than one batch write.
    const padding = 'x'.repeat(20_000);
    const accounts = Array.from({ length: 70 }, (_, n) => ({
      pk: `ACCOUNT#acct-${String(n).padStart(3, '0')}`,
      sk: 'PROFILE',
      n,
      padding,
    }));
    const timer = {
      pk: `${keys.timersPartitionPrefix}2026-06-01`,
      sk: 'acct-001#renewal',
      due: '2026-06-01',
    };
    const cursor = { ...keys.dispatcherCursor, at: '2026-06-01T00:00:00Z' };
    const apiKey = { pk: `${keys.apiKeyPartitionPrefix}hash`, sk: 'KEY', scope: 'admin' };
    await batchPut(from, [...accounts, timer, cursor, apiKey]);

    const progress: [number, number][] = [];
    const copied = await copyTable(from, to, (written, total) => progress.push([written, total]));

    expect(copied).toEqual({ items: 72 });
    expect(await dumpTable(to)).toEqual(await dumpTable(from, (item) => item.pk !== apiKey.pk));
    expect(progress.at(-1)).toEqual([72, 72]);
    expect(progress.every(([, total]) => total === 72)).toBe(true);
  });

  it('copies an empty table as nothing', async () => {
    const [from, to] = await Promise.all([createTestDb(), createTestDb()]);
    expect(await copyTable(from, to)).toEqual({ items: 0 });
    expect(await dumpTable(to)).toEqual([]);
  });
});
