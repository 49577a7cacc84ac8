import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { toJson } from './json.ts';
import type { ServiceIntegrationHandler } from './types.ts';

export interface DynamoDbIntegrationOptions {
  /** A document client pointed at DynamoDB Local (`Db.doc`); the low-level commands are sent through it. */
  client: DynamoDBDocumentClient;
  /**
   * The local table for each table logical id the definitions name; one string maps every table to it
   * (churnguard has a single table).
   */
  tableName: string | Record<string, string>;
}

const base64 = z.string().transform((text) => new Uint8Array(Buffer.from(text, 'base64')));

/** DynamoDB's attribute-value JSON, as the optimized integration takes it (N as a string, B as base64). */
const attributeValue: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string() }),
    z.strictObject({ B: base64 }),
    z.strictObject({ SS: z.array(z.string()) }),
    z.strictObject({ NS: z.array(z.string()) }),
    z.strictObject({ BS: z.array(base64) }),
    z.strictObject({ M: z.record(z.string(), attributeValue) }),
    z.strictObject({ L: z.array(attributeValue) }),
    z.strictObject({ NULL: z.boolean() }),
    z.strictObject({ BOOL: z.boolean() }),
  ]),
);

const item = z.record(z.string(), attributeValue);
const common = {
  TableName: z.string(),
  ExpressionAttributeNames: z.record(z.string(), z.string()).optional(),
  ReturnConsumedCapacity: z.enum(['INDEXES', 'TOTAL', 'NONE']).optional(),
};
const write = {
  ...common,
  ConditionExpression: z.string().optional(),
  ExpressionAttributeValues: item.optional(),
  ReturnItemCollectionMetrics: z.enum(['SIZE', 'NONE']).optional(),
  ReturnValuesOnConditionCheckFailure: z.enum(['ALL_OLD', 'NONE']).optional(),
};
const returnValues = z.enum(['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']).optional();

const schemas = {
  putItem: z.strictObject({ ...write, Item: item, ReturnValues: returnValues }),
  updateItem: z.strictObject({
    ...write,
    Key: item,
    UpdateExpression: z.string().optional(),
    ReturnValues: returnValues,
  }),
  deleteItem: z.strictObject({ ...write, Key: item, ReturnValues: returnValues }),
  getItem: z.strictObject({
    ...common,
    Key: item,
    ConsistentRead: z.boolean().optional(),
    ProjectionExpression: z.string().optional(),
  }),
  query: z.strictObject({
    ...common,
    IndexName: z.string().optional(),
    KeyConditionExpression: z.string(),
    FilterExpression: z.string().optional(),
    ProjectionExpression: z.string().optional(),
    ExpressionAttributeValues: item.optional(),
    ConsistentRead: z.boolean().optional(),
    ScanIndexForward: z.boolean().optional(),
    Limit: z.number().int().positive().optional(),
    ExclusiveStartKey: item.optional(),
    Select: z.enum(['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT']).optional(),
  }),
};

export type DynamoDbAction = keyof typeof schemas;
export const DYNAMODB_ACTIONS: readonly DynamoDbAction[] = [
  'putItem',
  'getItem',
  'updateItem',
  'deleteItem',
  'query',
];

/** DynamoDB's own error for a table that does not exist, so Catch sees `DynamoDB.ResourceNotFoundException`. */
class ResourceNotFoundException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceNotFoundException';
  }
}

export function localTableName(options: DynamoDbIntegrationOptions, tableRef: string): string | undefined {
  return typeof options.tableName === 'string' ? options.tableName : options.tableName[tableRef];
}

/** Invalid Parameters fail the task as Step Functions fails them: a validation error naming the field. */
class ValidationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

function parse<T>(schema: z.ZodType<T>, parameters: unknown, action: string): T {
  const result = schema.safeParse(parameters);
  if (result.success) return result.data;
  throw new ValidationException(`dynamodb:${action}: ${z.prettifyError(result.error)}`);
}

async function run(options: DynamoDbIntegrationOptions, action: DynamoDbAction, parameters: unknown) {
  const table = (tableRef: string) => {
    const name = localTableName(options, tableRef);
    if (name === undefined) throw new ResourceNotFoundException(`no local table for ${tableRef}`);
    return name;
  };
  // A document client sends low-level commands unchanged: the integration speaks attribute-value JSON.
  const { client } = options;
  switch (action) {
    case 'putItem': {
      const input = parse(schemas.putItem, parameters, action);
      return client.send(new PutItemCommand({ ...input, TableName: table(input.TableName) }));
    }
    case 'getItem': {
      const input = parse(schemas.getItem, parameters, action);
      return client.send(new GetItemCommand({ ...input, TableName: table(input.TableName) }));
    }
    case 'updateItem': {
      const input = parse(schemas.updateItem, parameters, action);
      return client.send(new UpdateItemCommand({ ...input, TableName: table(input.TableName) }));
    }
    case 'deleteItem': {
      const input = parse(schemas.deleteItem, parameters, action);
      return client.send(new DeleteItemCommand({ ...input, TableName: table(input.TableName) }));
    }
    case 'query': {
      const input = parse(schemas.query, parameters, action);
      return client.send(new QueryCommand({ ...input, TableName: table(input.TableName) }));
    }
  }
}

/**
 * DynamoDB integrations against a real (local) DynamoDB: `dynamodb:putItem|getItem|updateItem|deleteItem`
 * (optimized; `dynamodb:query` too, although AWS only offers it as `aws-sdk:dynamodb:query`) and the same five
 * as `aws-sdk:dynamodb:*`. Parameters are attribute-value JSON; the result is the API response without SDK
 * metadata, binary as base64.
 */
export function dynamoDbIntegrations(
  options: DynamoDbIntegrationOptions,
): Record<string, ServiceIntegrationHandler> {
  const handlers: Record<string, ServiceIntegrationHandler> = {};
  for (const action of DYNAMODB_ACTIONS) {
    const handler: ServiceIntegrationHandler = async (parameters) => {
      const { $metadata: _metadata, ...response } = await run(options, action, parameters);
      return toJson(response);
    };
    handlers[`dynamodb:${action}`] = handler;
    handlers[`aws-sdk:dynamodb:${action}`] = handler;
  }
  return handlers;
}
