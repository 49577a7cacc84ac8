import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/** The table definition the local stack and tests create; infra/ declares the same keys for AWS. */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The item attribute DynamoDB's Time To Live reads (epoch seconds); raw signals carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface TableOptions {
  /**
   * Turn on Time To Live for a table it creates, as the deployed table has it. Off for tests that write with a
   * fixed clock in the past (DynamoDB Local would expire their raw signals at once) and for a simulation on
   * DynamoDB Local, whose TTL follows the wall clock rather than the virtual one.
   */
  timeToLive?: boolean;
}

export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  { timeToLive = false }: TableOptions = {},
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  if (timeToLive)
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
}
