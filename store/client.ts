import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Consumed capacity, tallied when a meter is attached (benchmarks, cost figures). */
export interface CapacityMeter {
  readUnits: number;
  writeUnits: number;
}

export interface Db {
  doc: DynamoDBDocumentClient;
  tableName: string;
  meter?: CapacityMeter;
}

type Consumed = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };

/** Adds what one response consumed to the db's meter; tables only have one index, so TOTAL is exact. */
export function recordCapacity(
  db: Db,
  consumed: Consumed | Consumed[] | undefined,
  kind: 'read' | 'write',
): void {
  if (!db.meter || !consumed) return;
  for (const entry of Array.isArray(consumed) ? consumed : [consumed]) {
    const units =
      entry.CapacityUnits ?? (kind === 'read' ? entry.ReadCapacityUnits : entry.WriteCapacityUnits) ?? 0;
    if (kind === 'read') db.meter.readUnits += units;
    else db.meter.writeUnits += units;
  }
}

/**
 * A document client for the table. `endpoint` points it at DynamoDB Local; there the SDK still wants
 * credentials and a region, so fixed dummy ones are supplied. `capture` instruments the low-level client before
 * the document client wraps it (Lambda functions pass the Powertools tracer's `captureAWSv3Client`).
 */
export function createDb(
  tableName: string,
  endpoint?: string,
  extra: DynamoDBClientConfig = {},
  capture: (client: DynamoDBClient) => DynamoDBClient = (client) => client,
): Db {
  const local: DynamoDBClientConfig = endpoint
    ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  const client = capture(new DynamoDBClient({ maxAttempts: 8, ...local, ...extra }));
  // The SDK's logger middleware builds a redacted copy of every request and response for its logger, even for the
  // default logger that discards it: a sixth of the CPU of a health pass (bench/scoring.ts). Without a logger of
  // our own there is nothing to log, so it goes.
  if (!extra.logger) client.middlewareStack.remove('loggerMiddleware');
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName };
}
