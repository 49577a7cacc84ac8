import { BatchExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createSignalsHandler } from '#functions/signals/app';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { createTestDb, dumpTable, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const KEY = 'cg_throttled_key';
const NOW = new Date('2026-06-01T12:00:00Z');

/**
 * DynamoDB throttling that outlasted every retry: neither DynamoDB Local nor the in-memory store ever throttles,
 * so the table's answer is made up here (an SDK stand-in for an error path nothing else produces).
 */
function throttlingInserts(db: Db): Db {
  const send = db.doc.send.bind(db.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(db.doc) as Db['doc'];
  doc.send = ((command: unknown) => {
    if (!(command instanceof BatchExecuteStatementCommand)) return send(command);
    const error = new Error('The level of configured provisioned throughput for the table was exceeded');
    error.name = 'ProvisionedThroughputExceededException';
    return Promise.reject(error);
  }) as Db['doc']['send'];
  return { ...db, doc };
}

describe('ingest while DynamoDB throttles', () => {
  it('answers 503 with Retry-After, stores nothing, and stores all on the retry once the table keeps up', async () => {
    const db = await createTestDb();
    await registerApiKey(db, KEY, 'test', NOW);
    await upsertAccounts(db, [account('acme')], NOW);
    const body = JSON.stringify({
      signals: [
        { id: 's1', accountId: 'acme', type: 'login', occurredAt: '2026-05-31T10:00:00Z', userId: 'u1' },
      ],
    });
    const post = (target: Db) =>
      createSignalsHandler(testDeps(target))(
        httpEvent('POST /v1/signals', { body, headers: { authorization: `Bearer ${KEY}` } }),
      );

    const throttled = await post(throttlingInserts(db));
    expect(throttled.statusCode).toBe(503);
    expect(throttled.headers?.['retry-after']).toBe('1');
    expect(await dumpTable(db, (item) => item.kind === 'signal')).toHaveLength(0);

    const retried = await post(db);
    expect(retried.statusCode).toBe(202);
    expect(JSON.parse(retried.body ?? '{}')).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await dumpTable(db, (item) => item.kind === 'signal')).toHaveLength(1);
  });
});
