import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '#store/client';
import { createMemoryDb } from '#store/memory/client';
import { ensureTable } from '#store/table';
import { createTestDb } from '../support/db.ts';

/**
 * The in-memory store adapter against DynamoDB Local, differentially: random sequences of the operations the
 * store uses (conditional puts, updates with SET/REMOVE/ADD/DELETE, deletes, paged queries with filters and
 * projections, transactions, invalid requests) run on both, and every response, every error and the final
 * contents must be the same.
 */

type Op =
  | { kind: 'put'; sk: string; item: Record<string, unknown>; condition?: number; returnOld: boolean }
  | { kind: 'update'; sk: string; update: number; condition?: number; returnValues: string }
  | { kind: 'delete'; sk: string; condition?: number }
  | { kind: 'get'; sk: string; projection: boolean }
  | { kind: 'query'; range: number; forward: boolean; limit?: number; filter?: number; projection: boolean }
  | { kind: 'transact'; writes: { sk: string; update: number; condition?: number }[] }
  | { kind: 'unused-value'; sk: string };

const SORT_KEYS = ['s1', 's2', 's3', 't1', 't2'];

/** Conditions with the placeholders each needs; values are drawn so that both outcomes happen. */
const CONDITIONS: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }[] =
  [
    { expression: 'attribute_not_exists(pk)' },
    { expression: 'attribute_exists(pk)' },
    { expression: 'n = :v', values: { ':v': 2 } },
    { expression: 'n < :v', values: { ':v': 3 } },
    { expression: 'n <> :v', values: { ':v': 1 } },
    { expression: 's = :v OR n > :w', values: { ':v': 'b', ':w': 1 } },
    { expression: 'NOT (n = :v)', values: { ':v': 2 } },
    { expression: 'begins_with(s, :p)', values: { ':p': 'a' } },
    { expression: 'contains(ss, :e)', values: { ':e': 'x' } },
    { expression: 'n BETWEEN :lo AND :hi', values: { ':lo': 1, ':hi': 2 } },
    { expression: 'size(l) > :z', values: { ':z': 0 } },
    { expression: '#st IN (:a, :b)', names: { '#st': 'status' }, values: { ':a': 'open', ':b': 'closed' } },
    { expression: 'attribute_exists(m.x) AND NOT attribute_exists(#st)', names: { '#st': 'status' } },
  ];

const UPDATES: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }[] = [
  { expression: 'SET n = :v', values: { ':v': 2 } },
  { expression: 'SET n = n + :v', values: { ':v': 1 } },
  { expression: 'SET n = if_not_exists(n, :z) + :v', values: { ':z': 0, ':v': 1 } },
  { expression: 'ADD n :v', values: { ':v': 1 } },
  { expression: 'ADD ss :set', values: { ':set': new Set(['x', 'y']) } },
  { expression: 'DELETE ss :set', values: { ':set': new Set(['x']) } },
  { expression: 'REMOVE s' },
  {
    expression: 'SET l = list_append(if_not_exists(l, :empty), :one)',
    values: { ':empty': [], ':one': ['e'] },
  },
  { expression: 'SET m.x = :v', values: { ':v': 'deep' } },
  { expression: 'SET #st = :a REMOVE n', names: { '#st': 'status' }, values: { ':a': 'open' } },
  { expression: 'SET s = :v, m = :m', values: { ':v': 'abc', ':m': { x: 1 } } },
];

const RANGES: { expression: string; values: Record<string, unknown> }[] = [
  { expression: 'pk = :pk', values: {} },
  { expression: 'pk = :pk AND begins_with(sk, :p)', values: { ':p': 's' } },
  { expression: 'pk = :pk AND sk BETWEEN :a AND :b', values: { ':a': 's2', ':b': 't1' } },
  { expression: 'pk = :pk AND sk <= :a', values: { ':a': 's2' } },
  { expression: 'pk = :pk AND sk > :a', values: { ':a': 's3' } },
  { expression: 'pk = :pk AND sk = :a', values: { ':a': 't2' } },
];

const itemArb = fc.record(
  {
    n: fc.integer({ min: 0, max: 3 }),
    s: fc.constantFrom('a', 'ab', 'b', ''),
    status: fc.constantFrom('open', 'closed', 'other'),
    ss: fc.constantFrom(new Set(['x']), new Set(['y', 'z'])),
    l: fc.array(fc.constantFrom('e', 1, true, null), { maxLength: 2 }),
    m: fc.constantFrom({ x: 1 }, { y: 'v' }),
  },
  { requiredKeys: [] },
);

const sk = fc.constantFrom(...SORT_KEYS);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    sk,
    item: itemArb,
    condition: maybe(fc.nat(CONDITIONS.length - 1)),
    returnOld: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    sk,
    update: fc.nat(UPDATES.length - 1),
    condition: maybe(fc.nat(CONDITIONS.length - 1)),
    returnValues: fc.constantFrom('NONE', 'ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW'),
  }),
  fc.record({ kind: fc.constant('delete' as const), sk, condition: maybe(fc.nat(CONDITIONS.length - 1)) }),
  fc.record({ kind: fc.constant('get' as const), sk, projection: fc.boolean() }),
  fc.record({
    kind: fc.constant('query' as const),
    range: fc.nat(RANGES.length - 1),
    forward: fc.boolean(),
    limit: maybe(fc.integer({ min: 1, max: 3 })),
    filter: maybe(fc.nat(CONDITIONS.length - 1)),
    projection: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('transact' as const),
    writes: fc.uniqueArray(
      fc.record({ sk, update: fc.nat(UPDATES.length - 1), condition: maybe(fc.nat(CONDITIONS.length - 1)) }),
      {
        minLength: 1,
        maxLength: 3,
        selector: (w) => w.sk,
      },
    ),
  }),
  fc.record({ kind: fc.constant('unused-value' as const), sk }),
);

/** Placeholders of several expressions merged (a condition and an update may both use `:v`: suffixed apart). */
function withPlaceholders(
  parts: (
    | { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }
    | undefined
  )[],
) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const expressions = parts.map((part, i) => {
    if (!part) return undefined;
    let expression = part.expression;
    for (const [ref, value] of Object.entries(part.values ?? {})) {
      const renamed = `${ref}${i}`;
      expression = expression.replace(new RegExp(`${ref}\\b`, 'g'), renamed);
      values[renamed] = value;
    }
    Object.assign(names, part.names);
    return expression;
  });
  return {
    expressions,
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

async function run(db: Db, pk: string, op: Op): Promise<unknown> {
  const TableName = db.tableName;
  const key = (s: string) => ({ pk, sk: s });
  const condition = (i?: number) => (i === undefined ? undefined : CONDITIONS[i]);
  try {
    switch (op.kind) {
      case 'put': {
        const { expressions, ...placeholders } = withPlaceholders([condition(op.condition)]);
        const out = await db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...key(op.sk), ...op.item },
            ...(expressions[0] ? { ConditionExpression: expressions[0], ...placeholders } : {}),
            ReturnValues: op.returnOld ? 'ALL_OLD' : 'NONE',
          }),
        );
        return { attributes: out.Attributes ?? null };
      }
      case 'update': {
        const { expressions, ...placeholders } = withPlaceholders([
          UPDATES[op.update],
          condition(op.condition),
        ]);
        const out = await db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key(op.sk),
            UpdateExpression: expressions[0],
            ...(expressions[1] ? { ConditionExpression: expressions[1] } : {}),
            ...placeholders,
            ReturnValues: op.returnValues as 'NONE',
          }),
        );
        return { attributes: out.Attributes ?? null };
      }
      case 'delete': {
        const { expressions, ...placeholders } = withPlaceholders([condition(op.condition)]);
        await db.doc.send(
          new DeleteCommand({
            TableName,
            Key: key(op.sk),
            ...(expressions[0] ? { ConditionExpression: expressions[0], ...placeholders } : {}),
          }),
        );
        return { deleted: true };
      }
      case 'get': {
        const out = await db.doc.send(
          new GetCommand({
            TableName,
            Key: key(op.sk),
            ConsistentRead: true,
            ...(op.projection
              ? { ProjectionExpression: 'n, #st, m.x', ExpressionAttributeNames: { '#st': 'status' } }
              : {}),
          }),
        );
        return { item: out.Item ?? null };
      }
      case 'query': {
        const range = RANGES[op.range] as (typeof RANGES)[number];
        const filter = condition(op.filter);
        const { expressions, ...placeholders } = withPlaceholders([
          { expression: range.expression, values: { ...range.values, ':pk': pk } },
          filter,
          op.projection ? { expression: 'sk, n, #p', names: { '#p': 'status' } } : undefined,
        ]);
        // DynamoDB may end a Limit-ed query with an empty page or not (LastEvaluatedKey "may" be present when
        // nothing follows); what must agree is every item, in order, and how many were read.
        const pages: { items: unknown[]; count: number; scanned: number }[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const out = await db.doc.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: expressions[0],
              ...(expressions[1] ? { FilterExpression: expressions[1] } : {}),
              ...(expressions[2] ? { ProjectionExpression: expressions[2] } : {}),
              ...placeholders,
              ConsistentRead: true,
              ScanIndexForward: op.forward,
              ...(op.limit ? { Limit: op.limit } : {}),
              ExclusiveStartKey,
            }),
          );
          pages.push({ items: out.Items ?? [], count: out.Count ?? 0, scanned: out.ScannedCount ?? 0 });
          ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey && pages.length < 20);
        return {
          items: pages.flatMap((p) => p.items),
          count: pages.reduce((n, p) => n + p.count, 0),
          scanned: pages.reduce((n, p) => n + p.scanned, 0),
          pagesWithinLimit: pages.every((p) => p.scanned <= (op.limit ?? Number.POSITIVE_INFINITY)),
        };
      }
      case 'transact': {
        await db.doc.send(
          new TransactWriteCommand({
            TransactItems: op.writes.map((w) => {
              const { expressions, ...placeholders } = withPlaceholders([
                UPDATES[w.update],
                condition(w.condition),
              ]);
              return {
                Update: {
                  TableName,
                  Key: key(w.sk),
                  UpdateExpression: expressions[0],
                  ...(expressions[1] ? { ConditionExpression: expressions[1] } : {}),
                  ...placeholders,
                },
              };
            }),
          }),
        );
        return { committed: true };
      }
      case 'unused-value': {
        await db.doc.send(
          new PutCommand({
            TableName,
            Item: key(op.sk),
            ConditionExpression: 'attribute_not_exists(pk)',
            ExpressionAttributeValues: { ':unused': 1 },
          }),
        );
        return { written: true };
      }
    }
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    return { error: (error as Error).name, ...(reasons ? { reasons: reasons.map((r) => r.Code) } : {}) };
  }
}

async function contents(db: Db, pk: string) {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items;
}

describe('the in-memory store adapter behaves as DynamoDB Local', () => {
  it('gives the same responses, errors and contents for random operation sequences', async () => {
    const dynamo = await createTestDb();
    const memory = createMemoryDb('contract');
    await ensureTable(memory.doc, memory.tableName);
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const pk = `P${sequence++}`;
        for (const [i, op] of ops.entries()) {
          const expected = await run(dynamo, pk, op);
          const actual = await run(memory, pk, op);
          expect({ step: i, op, result: actual }).toEqual({ step: i, op, result: expected });
        }
        expect(await contents(memory, pk)).toEqual(await contents(dynamo, pk));
      }),
      { numRuns: Number(process.env.CONTRACT_RUNS ?? 60) },
    );
  });
});
