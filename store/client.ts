import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Consumed capacity, tallied when a meter is attached (benchmarks, cost figures). */
export interface CapacityMeter {
  readUnits: number;
  writeUnits: number;
}

export interface Db {
  doc: DynamoDBDocumentClient;
  /**
   * The same table through a low-level client that resolves its middleware stack once per command type instead of
   * once per request (`cacheMiddleware`, which the document client refuses): the reads of store/read-requests.ts go through
   * it and unmarshall what they get: a recompute's reads cost about a fifth less CPU (bench/RESULTS.md). Writes stay
   * on `doc`. Absent on the in-memory adapter, whose reads go through `doc`.
   */
  readClient?: DynamoDBClient;
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

/** How values become AttributeValues, for the document client and for the reads through `readClient` alike. */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/**
 * A document client for the table, and a low-level one for reads (see Db.readClient). `endpoint` points it at DynamoDB Local; there the SDK still wants
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
  const newClient = (config: DynamoDBClientConfig) => {
    const client = capture(new DynamoDBClient({ maxAttempts: 8, ...local, ...extra, ...config }));
    // The SDK's logger middleware builds a redacted copy of every request and response for its logger, even for
    // the default logger that discards it: a sixth of the CPU of a health pass (bench/scoring.ts). Without a logger
    // of our own there is nothing to log, so it goes.
    if (!extra.logger) client.middlewareStack.remove('loggerMiddleware');
    return client;
  };
  // A copy: the document client sets options of its own on the object it is given.
  const doc = DynamoDBDocumentClient.from(newClient({}), { marshallOptions: { ...MARSHALL_OPTIONS } });
  return { doc, readClient: newClient({ cacheMiddleware: true }), tableName };
}
