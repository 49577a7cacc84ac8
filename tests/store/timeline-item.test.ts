import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#store/keys';
import { readTimeline } from '#store/timeline-store';
import { createTestDb } from '../support/db.ts';

/** Timeline items are parsed on every read (store/timeline-store.ts): a broken one is named, not passed on. */
describe('reading an account timeline', () => {
  it('refuses a hand-edited entry, saying it is a timeline entry and which field is wrong', async () => {
    const db = await createTestDb();
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.timelineEvent('acme', 'c.1'),
          kind: 'timeline',
          accountId: 'acme',
          cause: 'c.1',
          at: 42,
        },
      }),
    );
    await expect(readTimeline(db, 'acme')).rejects.toThrow(/^stored timeline entry is not valid: .*\bat\b/);
  });
});
