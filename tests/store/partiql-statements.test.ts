import { BatchExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Db } from '#store/client';
import { createMemoryDb } from '#store/memory/client';
import { deleteStatement, insertStatement, updateStatement, type WriteStatement } from '#store/partiql';
import { executeStatements } from '#store/statement-batch';
import { ensureTable } from '#store/table';
import { createTestDb, dumpTable } from '../support/db.ts';

/**
 * The PartiQL statements the store sends (store/partiql.ts), run on DynamoDB Local and on the in-memory store:
 * each request's answers, statement by statement, and the table they leave must be the same.
 */

async function bothStores(): Promise<Db[]> {
  const memory = createMemoryDb('partiql-memory');
  await ensureTable(memory.doc, memory.tableName);
  return [await createTestDb(), memory];
}

type Build = (tableName: string) => { Statement: string; Parameters?: unknown[] };
const raw =
  (text: (table: string) => string, Parameters: unknown[]): Build =>
  (table) => ({
    Statement: text(table),
    Parameters,
  });
const sent =
  (build: (tableName: string) => WriteStatement): Build =>
  (table) => {
    const { Statement, Parameters } = build(table);
    return { Statement, Parameters };
  };

/** Requests in order; each answer is the statements' error codes ('ok' when written), or the request's error. */
async function run(db: Db, requests: Build[][]): Promise<string[][]> {
  const answers: string[][] = [];
  for (const request of requests) {
    try {
      const out = await db.doc.send(
        new BatchExecuteStatementCommand({ Statements: request.map((build) => build(db.tableName)) }),
      );
      answers.push((out.Responses ?? []).map((r) => r.Error?.Code ?? 'ok'));
    } catch (error) {
      answers.push([`request: ${(error as Error).name}`]);
    }
  }
  return answers;
}

const key = (sk: string) => ({ pk: 'P', sk });
const versioned = (sk: string, expected: number, set: Record<string, unknown>, remove?: string[]) =>
  sent((table) =>
    updateStatement(table, key(sk), {
      set,
      ...(remove ? { remove } : {}),
      condition: { text: '"version" = ?', parameters: [expected] },
    }),
  );
const earliest = (sk: string, at: string) =>
  sent((table) =>
    updateStatement(table, key(sk), {
      set: { openedAt: at, kind: 'ticket' },
      condition: { text: 'attribute_not_exists("openedAt") OR "openedAt" > ?', parameters: [at] },
    }),
  );

const REQUESTS: Build[][] = [
  [
    sent((table) =>
      insertStatement(table, { ...key('a'), kind: 'rollup', version: 1, old: 'x', m: { n: [1, 2] } }),
    ),
    sent((table) => insertStatement(table, { ...key('t'), kind: 'ticket', closedAt: '2026-01-05' })),
  ],
  // Written; refused by its condition; refused because the item is absent (an UPDATE never creates one).
  [
    versioned('a', 1, { version: 2, kind: 'rollup', m: { n: [3], book: { latestFrom: {} } } }, ['old']),
    versioned('t', 4, { version: 5 }),
    versioned('absent', 0, { version: 1 }),
  ],
  [versioned('a', 1, { version: 3 }), earliest('t', '2026-01-02')],
  [earliest('t', '2026-01-03'), earliest('absent', '2026-01-01')],
  [earliest('t', '2026-01-01'), sent((table) => insertStatement(table, { ...key('a'), kind: 'rollup' }))],
  // A key missing from WHERE is that statement's own error; the others run.
  [
    raw((table) => `UPDATE "${table}" SET "x" = ? WHERE "pk" = ?`, [1, 'P']),
    versioned('a', 2, { version: 3, note: 'kept' }),
  ],
  // (Two statements on one item in one request are not compared: DynamoDB Local answers ValidationException yet
  // applies them; the in-memory store refuses the request whole. store/statement-batch.ts never sends such a request.)
];

describe('PartiQL INSERT and UPDATE statements, on DynamoDB Local and in memory', () => {
  it('answers each statement and leaves the same table on both stores', async () => {
    const [local, memory] = (await bothStores()) as [Db, Db];
    const localAnswers = await run(local, REQUESTS);
    expect(localAnswers).toEqual([
      ['ok', 'ok'],
      ['ok', 'ConditionalCheckFailed', 'ConditionalCheckFailed'],
      ['ConditionalCheckFailed', 'ok'],
      ['ConditionalCheckFailed', 'ConditionalCheckFailed'],
      ['ok', 'DuplicateItem'],
      ['ValidationError', 'ok'],
    ]);
    expect(await run(memory, REQUESTS)).toEqual(localAnswers);
    expect(await dumpTable(memory)).toEqual(await dumpTable(local));
    expect(await dumpTable(local)).toContainEqual({
      ...key('a'),
      kind: 'rollup',
      version: 3,
      note: 'kept',
      m: { n: [3], book: { latestFrom: {} } },
    });
  });

  it('reports each statement as written or refused, 25 to a request, none on one item twice in a request', async () => {
    for (const db of await bothStores()) {
      const inserts = Array.from({ length: 30 }, (_, i) =>
        insertStatement(db.tableName, { ...key(`k${i % 28}`), kind: 'x', n: i }),
      );
      const outcomes = await executeStatements(db, inserts);
      // The two inserts of k0 and of k1 go in different requests, in flight together: exactly one of each wins.
      expect(outcomes.filter((o) => o === 'written')).toHaveLength(28);
      for (const i of [0, 1])
        expect([outcomes[i], outcomes[28 + i]].sort()).toEqual(['DuplicateItem', 'written']);
      const updates = await executeStatements(db, [
        updateStatement(db.tableName, key('k5'), {
          set: { n: 100 },
          condition: { text: '"n" = ?', parameters: [5] },
        }),
        updateStatement(db.tableName, key('k6'), {
          set: { n: 100 },
          condition: { text: '"n" = ?', parameters: [0] },
        }),
        updateStatement(db.tableName, key('none'), { set: { n: 100 } }),
      ]);
      expect(updates).toEqual(['written', 'ConditionalCheckFailed', 'ConditionalCheckFailed']);
    }
  });

  it('deletes an item only while its condition holds; an absent item is deleted already; the same on both stores', async () => {
    const [local, memory] = (await bothStores()) as [Db, Db];
    const claimed = (sk: string, claim: string, marks: number) =>
      sent((table) =>
        deleteStatement(table, key(sk), { text: '"claim" = ? AND "marks" = ?', parameters: [claim, marks] }),
      );
    const requests: Build[][] = [
      [
        sent((table) => insertStatement(table, { ...key('d1'), kind: 'dirty', claim: 'c1', marks: 2 })),
        sent((table) => insertStatement(table, { ...key('d2'), kind: 'dirty', claim: 'c2', marks: 1 })),
        sent((table) => insertStatement(table, { ...key('d3'), kind: 'dirty', marks: 1 })),
      ],
      // Deleted; refused (marked since: marks moved); refused (no claim); an absent item: nothing to delete, done.
      [claimed('d1', 'c1', 2), claimed('d2', 'c2', 0), claimed('d3', 'c3', 1), claimed('absent', 'c', 1)],
      // A key missing from WHERE is that statement's own error.
      [raw((table) => `DELETE FROM "${table}" WHERE "pk" = ? AND ("claim" = ?)`, ['P', 'c2'])],
    ];
    const localAnswers = await run(local, requests);
    expect(localAnswers).toEqual([
      ['ok', 'ok', 'ok'],
      ['ok', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'ok'],
      ['ValidationError'],
    ]);
    expect(await run(memory, requests)).toEqual(localAnswers);
    expect(await dumpTable(memory)).toEqual(await dumpTable(local));
    expect((await dumpTable(local)).map((item) => item.sk)).toEqual(['d2', 'd3']);
  });
});
