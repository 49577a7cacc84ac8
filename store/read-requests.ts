import {
  type AttributeValue,
  BatchGetItemCommand,
  GetItemCommand,
  QueryCommand as QueryItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type Db, MARSHALL_OPTIONS, recordCapacity } from './client.ts';
import type { Key } from './keys.ts';

/**
 * The requests that read whole items, one request each, with their consumed capacity recorded. Each goes through
 * the Db's read client when it has one (DynamoDB: see Db.readClient), converting keys and values to AttributeValues
 * and the items back here as the document client would, else through its document client (the in-memory adapter).
 * Either way the caller gets plain items, to parse.
 */

type Item = Record<string, unknown>;

const toAttributes = (values: Item) => marshall(values, MARSHALL_OPTIONS);
const fromAttributes = (item: Record<string, AttributeValue>): Item => unmarshall(item);

export async function getItemRequest(db: Db, key: Key, consistent: boolean): Promise<Item | undefined> {
  const input = {
    TableName: db.tableName,
    ConsistentRead: consistent,
    ReturnConsumedCapacity: 'TOTAL',
  } as const;
  if (!db.readClient) {
    const out = await db.doc.send(new GetCommand({ ...input, Key: key }));
    recordCapacity(db, out.ConsumedCapacity, 'read');
    return out.Item;
  }
  const out = await db.readClient.send(new GetItemCommand({ ...input, Key: toAttributes(key) }));
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return out.Item && fromAttributes(out.Item);
}

/** A Query without the legacy parameters that carry AttributeValues of their own (KeyConditions, QueryFilter). */
export type QueryInput = Omit<
  QueryCommandInput,
  'TableName' | 'ExclusiveStartKey' | 'ReturnConsumedCapacity' | 'KeyConditions' | 'QueryFilter'
>;

/** One page of a Query, from `startKey` (the previous page's `lastKey`). */
export async function queryPageRequest(
  db: Db,
  query: QueryInput,
  startKey: Item | undefined,
): Promise<{ items: Item[]; lastKey: Item | undefined }> {
  const common = { TableName: db.tableName, ReturnConsumedCapacity: 'TOTAL' } as const;
  if (!db.readClient) {
    const out = await db.doc.send(new QueryCommand({ ...query, ...common, ExclusiveStartKey: startKey }));
    recordCapacity(db, out.ConsumedCapacity, 'read');
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }
  const { ExpressionAttributeValues: values, ...rest } = query;
  const out = await db.readClient.send(
    new QueryItemsCommand({
      ...rest,
      ...common,
      ...(values ? { ExpressionAttributeValues: toAttributes(values) } : {}),
      ...(startKey ? { ExclusiveStartKey: toAttributes(startKey) } : {}),
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return {
    items: (out.Items ?? []).map(fromAttributes),
    lastKey: out.LastEvaluatedKey && fromAttributes(out.LastEvaluatedKey),
  };
}

export interface BatchGetRequest {
  keys: readonly Key[];
  consistent: boolean;
  projection?: string | undefined;
}

/** One BatchGetItem (at most 100 keys): the items found, in any order, and the keys left unprocessed. */
export async function batchGetRequest(
  db: Db,
  { keys, consistent, projection }: BatchGetRequest,
): Promise<{ items: Item[]; unprocessed: Key[] }> {
  const request = { ConsistentRead: consistent, ...(projection ? { ProjectionExpression: projection } : {}) };
  if (!db.readClient) {
    const out = await db.doc.send(
      new BatchGetCommand({
        RequestItems: { [db.tableName]: { ...request, Keys: [...keys] } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'read');
    return {
      items: out.Responses?.[db.tableName] ?? [],
      unprocessed: (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []).map(keyOf),
    };
  }
  const out = await db.readClient.send(
    new BatchGetItemCommand({
      RequestItems: { [db.tableName]: { ...request, Keys: keys.map(toAttributes) } },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'read');
  return {
    items: (out.Responses?.[db.tableName] ?? []).map(fromAttributes),
    unprocessed: (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []).map((key) => keyOf(fromAttributes(key))),
  };
}

const keyOf = (item: Item): Key => ({ pk: String(item.pk), sk: String(item.sk) });
