import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
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

  it('writes the timers and the dispatcher cursor only after everything they point at', async () => {
    const [from, to] = await Promise.all([createTestDb(), createTestDb()]);
    const accounts = Array.from({ length: 60 }, (_, n) => ({ pk: `ACCOUNT#a${n}`, sk: 'PROFILE' }));
    const timers = Array.from({ length: 30 }, (_, n) => ({
      pk: `${keys.timersPartitionPrefix}2026-06-${String(1 + (n % 28)).padStart(2, '0')}`,
      sk: `a${n}#renewal`,
    }));
    await batchPut(from, [...timers, keys.dispatcherCursor, ...accounts]);
    // Watches the writes as they go to DynamoDB Local (the spy calls through): which items each request carries.
    const send = vi.spyOn(to.doc, 'send');
    await copyTable(from, to);
    const requests = send.mock.calls.flatMap(([command]) =>
      command instanceof BatchWriteCommand
        ? [
            Object.values(command.input.RequestItems ?? {})
              .flat()
              .map((r) => String(r.PutRequest?.Item?.pk)),
          ]
        : [],
    );
    const isDispatched = (pk: string) =>
      pk.startsWith(keys.timersPartitionPrefix) || pk === keys.dispatcherCursor.pk;
    const firstDispatched = requests.findIndex((pks) => pks.some(isDispatched));
    expect(firstDispatched).toBeGreaterThan(0);
    expect(requests.slice(0, firstDispatched).flat()).toHaveLength(60);
    expect(requests.slice(firstDispatched).flat().every(isDispatched)).toBe(true);
    expect(await dumpTable(to)).toEqual(await dumpTable(from));
  });

  it('copies an empty table as nothing', async () => {
    const [from, to] = await Promise.all([createTestDb(), createTestDb()]);
    expect(await copyTable(from, to)).toEqual({ items: 0 });
    expect(await dumpTable(to)).toEqual([]);
  });
});
