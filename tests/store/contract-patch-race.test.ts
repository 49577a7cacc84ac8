import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { upsertAccount } from '#store/account-store';
import { applyAccountPatch } from '#store/contract-store';
import { keys } from '#store/keys';
import { createTestDb } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

const NOW = new Date('2026-03-02T09:00:00Z');

/** A billing patch racing other writers of the same account (store/contract-store.ts applyAccountPatch). */
describe('a contract patch under racing writers', () => {
  it('tries ten times against a writer that always gets in first, then fails naming the account', async () => {
    const db = await createTestDb();
    await upsertAccount(db, account('acme'), NOW);
    const send = db.doc.send.bind(db.doc);
    let transactions = 0;
    // Before each transaction another writer really changes the billing summary in DynamoDB Local, so the
    // transaction's version condition really fails: the only way to make every attempt lose the race.
    vi.spyOn(db.doc, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand) {
        transactions += 1;
        await send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.billing('acme'),
            UpdateExpression: 'ADD version :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      }
      return send(command as Parameters<typeof send>[0]);
    }) as typeof db.doc.send);

    const patch = {
      accountId: 'acme',
      source: 'stripe' as const,
      sourceRef: 'stripe:subscription:sub_1',
      eventId: 'evt_1',
      observedAt: '2026-03-02T08:59:00.000Z',
      status: 'active',
      contract: { renewalDate: '2027-03-01', arr: 12_000 },
    };
    await expect(applyAccountPatch(db, patch, NOW)).rejects.toThrow(
      'contract of acme kept changing under 10 attempts (stripe:subscription:sub_1)',
    );
    expect(transactions).toBe(10);
  });
});
