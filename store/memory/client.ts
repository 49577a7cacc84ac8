import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  ResourceInUseException,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Db } from '../client.ts';
import { tableNotFound, validationError } from './errors.ts';
import {
  getOne,
  keyReader,
  type Page,
  type PlannedWrite,
  planConditionCheck,
  planDelete,
  planPut,
  planUpdate,
  type QueryRequest,
  query,
  readUnits,
  scan,
  type WriteRequest,
  writeAll,
  writeOne,
} from './operations.ts';
import { isUpdateStatement, parsePartiqlUpdate, StatementError } from './partiql-update.ts';
import { KeySet, keyOf } from './requests.ts';
import { type Horizon, MemoryTable } from './table.ts';
import type { Item } from './values.ts';

type Input = QueryRequest &
  WriteRequest & {
    TableName?: string;
    ReturnConsumedCapacity?: string;
    Key?: Record<string, unknown>;
    Item?: Record<string, unknown>;
    UpdateExpression?: string;
    RequestItems?: unknown;
    TransactItems?: unknown;
  } & Record<string, unknown>;
type Output = Record<string, unknown>;

const METADATA = { $metadata: { httpStatusCode: 200 } };

const wantsCapacity = (input: Input) =>
  input.ReturnConsumedCapacity === 'TOTAL' || input.ReturnConsumedCapacity === 'INDEXES';

/** ConsumedCapacity when the request asked for it: one entry, or a list (batches and transactions). */
function capacity(
  input: Input,
  consumed: { TableName: string; CapacityUnits: number }[] | { TableName: string; CapacityUnits: number },
) {
  return wantsCapacity(input) ? { ConsumedCapacity: consumed } : {};
}

/** Assignments rather than spreads: these run for every request the simulator makes (bench/simulate.ts). */
function pageOutput(result: Page, input: Input, tableName: string): Output {
  const out: Output = { $metadata: METADATA.$metadata };
  if (input.Select !== 'COUNT') out.Items = result.items;
  out.Count = result.count;
  out.ScannedCount = result.scanned;
  if (result.lastKey) out.LastEvaluatedKey = result.lastKey;
  if (wantsCapacity(input)) out.ConsumedCapacity = { TableName: tableName, CapacityUnits: result.units };
  return out;
}

/**
 * DynamoDB's data plane, in memory, for the single-table design: the second store adapter the simulator runs
 * on for large backtests. It executes the very commands the store sends (document and low-level), with
 * DynamoDB's semantics for keys, conditions, updates, queries, pages, batches and transactions, and passes the
 * same tests as DynamoDB Local (tests/store/memory-contract.test.ts and the suites run with CHURNGUARD_STORE=memory).
 * Each command runs to completion before the next starts, as one request does on a single item in DynamoDB.
 */
export class MemoryDynamoDb {
  private readonly tables = new Map<string, MemoryTable>();

  private table(name: unknown): MemoryTable {
    const table = typeof name === 'string' ? this.tables.get(name) : undefined;
    if (!table) throw tableNotFound(String(name));
    return table;
  }

  /** What runs each command, by its class (see execute). */
  private readonly handlers = new Map<unknown, (input: Input) => Output | Promise<Output>>([
    [GetCommand, (input) => this.get(input)],
    [PutCommand, (input) => this.write(input, planPut)],
    [UpdateCommand, (input) => this.write(input, planUpdate)],
    [DeleteCommand, (input) => this.write(input, planDelete)],
    [
      QueryCommand,
      (input) => pageOutput(query(this.table(input.TableName), input), input, String(input.TableName)),
    ],
    [
      ScanCommand,
      (input) => pageOutput(scan(this.table(input.TableName), input), input, String(input.TableName)),
    ],
    [BatchGetCommand, (input) => this.batchGet(input)],
    [BatchWriteCommand, (input) => this.batchWrite(input)],
    [TransactWriteCommand, (input) => this.transactWrite(input)],
    [BatchExecuteStatementCommand, (input) => this.batchExecute(input)],
    [GetItemCommand, (input) => lowLevel(input, (doc) => this.get(doc))],
    [PutItemCommand, (input) => lowLevel(input, (doc) => this.write(doc, planPut))],
    [UpdateItemCommand, (input) => lowLevel(input, (doc) => this.write(doc, planUpdate))],
    [DeleteItemCommand, (input) => lowLevel(input, (doc) => this.write(doc, planDelete))],
    [
      QueryItemsCommand,
      (input) =>
        lowLevel(input, (doc) =>
          pageOutput(query(this.table(doc.TableName), doc), doc, String(doc.TableName)),
        ),
    ],
    [CreateTableCommand, (input) => this.createTable(input)],
    [DescribeTableCommand, (input) => this.describeTable(input)],
    [UpdateTimeToLiveCommand, (input) => this.updateTimeToLive(input)],
    [DescribeTimeToLiveCommand, (input) => this.describeTimeToLive(input)],
    [
      DeleteTableCommand,
      (input) => {
        this.table(input.TableName);
        this.tables.delete(String(input.TableName));
        return { ...METADATA };
      },
    ],
  ]);

  /** Runs a command by its class, or by the nearest class it extends that has a handler (as instanceof would). */
  async execute(command: { input: unknown }): Promise<Output> {
    for (let type = command.constructor; type; type = Object.getPrototypeOf(type)) {
      const handler = this.handlers.get(type);
      if (handler) return handler(command.input as Input);
    }
    throw validationError(`the in-memory store does not implement ${command.constructor.name}`);
  }

  /**
   * DynamoDB's background TTL deletion, run at `now` (the simulator's clock, not the wall clock): deletes, in
   * every table with TTL enabled, each item whose TTL attribute is a number of epoch seconds before `now` and
   * at most five years before it. Returns how many items it deleted.
   */
  expireItems(now: Date): number {
    let deleted = 0;
    for (const table of this.tables.values()) deleted += table.expire(now);
    return deleted;
  }

  /** Sets a table's horizons (see Horizon in table.ts): what the sweep forgets besides expired items. */
  keepWithin(tableName: string, horizons: readonly Horizon[]): void {
    this.table(tableName).keepWithin(horizons);
  }

  private get(input: Input): Output {
    const { item, units } = getOne(this.table(input.TableName), input);
    const out: Output = { $metadata: METADATA.$metadata };
    if (item) out.Item = item;
    if (wantsCapacity(input))
      out.ConsumedCapacity = { TableName: String(input.TableName), CapacityUnits: units };
    return out;
  }

  private write(input: Input, plan: (table: MemoryTable, input: WriteRequest) => PlannedWrite): Output {
    const { attributes, units } = writeOne(plan(this.table(input.TableName), input), input);
    const out: Output = { $metadata: METADATA.$metadata };
    if (attributes) out.Attributes = attributes;
    if (wantsCapacity(input))
      out.ConsumedCapacity = { TableName: String(input.TableName), CapacityUnits: units };
    return out;
  }

  private batchGet(input: Input): Output {
    const requests = Object.entries((input.RequestItems ?? {}) as Record<string, Input & { Keys?: Item[] }>);
    const total = requests.reduce((n, [, r]) => n + (r.Keys?.length ?? 0), 0);
    if (total === 0 || total > 100) throw validationError('BatchGetItem takes 1 to 100 keys');
    const responses: Record<string, Item[]> = {};
    const consumed: { TableName: string; CapacityUnits: number }[] = [];
    for (const [tableName, request] of requests) {
      const read = keyReader(this.table(tableName), request);
      const seen = new KeySet();
      let units = 0;
      responses[tableName] = [];
      for (const key of request.Keys ?? []) {
        const { pk, sk } = keyOf(key);
        if (!seen.add(pk, sk)) throw validationError('Provided list of item keys contains duplicates');
        const { item, units: itemUnits } = read(key);
        units += itemUnits;
        if (item) responses[tableName].push(item);
      }
      consumed.push({ TableName: tableName, CapacityUnits: units || readUnits(0, request.ConsistentRead) });
    }
    return {
      Responses: responses,
      UnprocessedKeys: {},
      ...capacity(input, consumed),
      ...METADATA,
    };
  }

  private batchWrite(input: Input): Output {
    type Request = {
      PutRequest?: { Item: Record<string, unknown> };
      DeleteRequest?: { Key: Record<string, unknown> };
    };
    const requests = Object.entries((input.RequestItems ?? {}) as Record<string, Request[]>);
    const total = requests.reduce((n, [, list]) => n + list.length, 0);
    if (total === 0 || total > 25) throw validationError('BatchWriteItem takes 1 to 25 requests');
    // Every request is validated before any is written, so a bad one writes nothing.
    const planned = requests.map(([tableName, list]) => {
      const table = this.table(tableName);
      const seen = new KeySet();
      const writes = list.map((request) => {
        const write = request.PutRequest
          ? planPut(table, { Item: request.PutRequest.Item })
          : planDelete(table, { Key: request.DeleteRequest?.Key });
        if (!seen.add(write.pk, write.sk))
          throw validationError('Provided list of item keys contains duplicates');
        return write;
      });
      return { tableName, writes };
    });
    const consumed = planned.map(({ tableName, writes }) => ({
      TableName: tableName,
      CapacityUnits: writes.reduce((units, w) => units + w.commit().units, 0),
    }));
    return {
      UnprocessedItems: {},
      ...capacity(input, consumed),
      ...METADATA,
    };
  }

  /**
   * BatchExecuteStatement for the PartiQL forms the store sends (store/partiql.ts): `INSERT INTO "<table>" VALUE
   * {'<name>': ?, ...}`, which puts its item unless the key is taken (`DuplicateItem` then), and `UPDATE` with SET,
   * REMOVE and a WHERE condition (memory/partiql-update.ts), which answers `ConditionalCheckFailed` when its
   * condition fails or its item is absent. Each statement is answered on its own, as DynamoDB does.
   */
  private batchExecute(input: Input): Output {
    const statements = (input.Statements ?? []) as { Statement?: unknown; Parameters?: unknown[] }[];
    if (statements.length === 0 || statements.length > 25)
      throw validationError('BatchExecuteStatement takes 1 to 25 statements');
    const seen = new KeySet();
    const units = new Map<string, number>();
    const planned = statements.map(({ Statement, Parameters }) => {
      const statement = planStatement(Statement, Parameters, (name) => this.table(name));
      if ('error' in statement) return statement;
      if (!seen.add(statement.write.pk, statement.write.sk))
        throw validationError('Provided list of item keys contains duplicates');
      return statement;
    });
    const answers = planned.map((statement) => {
      if ('error' in statement) return { Error: statement.error };
      const { tableName, write, refusal } = statement;
      if (write.check()) return { TableName: tableName, Error: refusal };
      units.set(tableName, (units.get(tableName) ?? 0) + write.commit().units);
      return { TableName: tableName };
    });
    const consumed = [...units].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits }));
    return { Responses: answers, ...capacity(input, consumed), ...METADATA };
  }

  private transactWrite(input: Input): Output {
    type Entry = Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', (Input & WriteRequest) | undefined>;
    const entries = (input.TransactItems ?? []) as Entry[];
    if (entries.length === 0 || entries.length > 100)
      throw validationError('TransactWriteItems takes 1 to 100 items');
    const requests: (Input & WriteRequest)[] = [];
    const writes = entries.map((entry) => {
      let kind: string | undefined;
      for (const name in entry) {
        if (entry[name as keyof Entry] === undefined) continue;
        kind = name;
        break;
      }
      const request = kind === undefined ? undefined : entry[kind as keyof Entry];
      if (!request)
        throw validationError('A TransactWriteItem must hold one of Put, Update, Delete, ConditionCheck');
      requests.push(request);
      const table = this.table(request.TableName);
      if (kind === 'Put') return planPut(table, request);
      if (kind === 'Update') return planUpdate(table, request);
      if (kind === 'Delete') return planDelete(table, request);
      return planConditionCheck(table, request);
    });
    const units = writeAll(writes, requests);
    const tableName = String(requests[0]?.TableName);
    return {
      ...capacity(input, [{ TableName: tableName, CapacityUnits: units }]),
      ...METADATA,
    };
  }

  private createTable(input: Input): Output {
    const name = String(input.TableName);
    if (this.tables.has(name))
      throw new ResourceInUseException({ message: `Table already exists: ${name}`, $metadata: {} });
    this.tables.set(name, new MemoryTable());
    return this.describeTable(input);
  }

  private describeTable(input: Input): Output {
    const table = this.table(input.TableName);
    return {
      Table: { TableName: input.TableName, TableStatus: 'ACTIVE', ItemCount: table.itemCount },
      ...METADATA,
    };
  }

  private updateTimeToLive(input: Input): Output {
    const table = this.table(input.TableName);
    const spec = (input.TimeToLiveSpecification ?? {}) as { AttributeName?: unknown; Enabled?: unknown };
    const { AttributeName: name, Enabled: enabled } = spec;
    if (typeof name !== 'string' || typeof enabled !== 'boolean')
      throw validationError('TimeToLiveSpecification requires AttributeName and Enabled');
    if (name.length < 1 || name.length > 255)
      throw validationError('TimeToLive AttributeName must be between 1 and 255 characters, inclusive');
    const active = table.ttlAttribute;
    if (active !== undefined && active !== name)
      throw validationError('TimeToLive is active on a different AttributeName');
    if (enabled && active !== undefined) throw validationError('TimeToLive is already enabled');
    if (!enabled && active === undefined) throw validationError('TimeToLive is already disabled');
    if (enabled) table.enableTtl(name);
    else table.disableTtl();
    return { TimeToLiveSpecification: { Enabled: enabled, AttributeName: name }, ...METADATA };
  }

  private describeTimeToLive(input: Input): Output {
    const attribute = this.table(input.TableName).ttlAttribute;
    return {
      TimeToLiveDescription:
        attribute === undefined
          ? { TimeToLiveStatus: 'DISABLED' }
          : { TimeToLiveStatus: 'ENABLED', AttributeName: attribute },
      ...METADATA,
    };
  }
}

const INSERT = /^INSERT INTO "([^"]+)" VALUE \{(.*)\}$/s;
const INSERT_FIELD = /^'([^']+)': \?$/;
const DUPLICATE_ITEM = { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' };
const CONDITION_FAILED = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };

type PlannedStatement =
  | { tableName: string; write: PlannedWrite; refusal: { Code: string; Message: string } }
  | { error: { Code: string; Message: string } };

/** One statement of a batch, planned: its write and the answer its refusal gets, or its own error. */
function planStatement(
  statement: unknown,
  parameters: unknown[] | undefined,
  table: (name: string) => MemoryTable,
): PlannedStatement {
  // An INSERT text seen before is known by its shape, without reading its text again.
  const knownInsert = typeof statement === 'string' && insertShapes.has(statement);
  if (!knownInsert && isUpdateStatement(statement)) {
    try {
      const { tableName, plan } = parsePartiqlUpdate(String(statement), parameters);
      return { tableName, write: plan(table(tableName)), refusal: CONDITION_FAILED };
    } catch (error) {
      if (error instanceof StatementError) return { error: { Code: error.code, Message: error.message } };
      throw error;
    }
  }
  const { tableName, item } = parseInsert(statement, parameters);
  const write = planPut(table(tableName), { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
  return { tableName, write, refusal: DUPLICATE_ITEM };
}

/** An INSERT's table and field names, or undefined for a malformed field; by statement text (see insertShape). */
const insertShapes = new Map<string, { tableName: string; fields: (string | undefined)[] }>();

/**
 * The table and field names of `INSERT INTO "<table>" VALUE {'<name>': ?, ...}`, else a ValidationException. A
 * store sends a few shapes of INSERT (one per kind of item it writes), so each text is read once; the bound only
 * guards against a caller that writes names of its own making.
 */
function insertShape(statement: unknown) {
  const known = typeof statement === 'string' ? insertShapes.get(statement) : undefined;
  if (known) return known;
  const match = typeof statement === 'string' ? INSERT.exec(statement.trim()) : null;
  if (!match)
    throw validationError(
      `the in-memory store only runs INSERT ... VALUE {...} and UPDATE statements: ${statement}`,
    );
  const shape = {
    tableName: match[1] as string,
    fields: (match[2] as string).split(',').map((field) => INSERT_FIELD.exec(field.trim())?.[1]),
  };
  if (insertShapes.size >= 1_000) insertShapes.clear();
  insertShapes.set(statement as string, shape);
  return shape;
}

/** The table and item of `INSERT INTO "<table>" VALUE {'<name>': ?, ...}` with its parameters, else a ValidationException. */
function parseInsert(statement: unknown, parameters: unknown[] = []): { tableName: string; item: Item } {
  const { tableName, fields } = insertShape(statement);
  if (fields.some((name) => name === undefined) || fields.length !== parameters.length)
    throw validationError(`statement fields and parameters do not match: ${statement}`);
  const item: Item = {};
  fields.forEach((name, i) => {
    item[name as string] = parameters[i] as Item[string];
  });
  // Frozen, so that an item whose values its writer froze all through is stored as it is, as a PutItem's is.
  return { tableName, item: Object.freeze(item) };
}

const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;
const toDocument = (value: unknown) => unmarshall(value as never);

/** A low-level (attribute-value) command run as its document twin: the state machines' DynamoDB integrations. */
async function lowLevel(input: Input, run: (doc: Input) => Output | Promise<Output>): Promise<Output> {
  const doc: Input = { ...input };
  for (const field of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const)
    if (input[field]) doc[field] = toDocument(input[field]);
  const out = await run(doc);
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey'] as const)
    if (out[field]) out[field] = marshall(out[field] as Item, MARSHALL);
  if (out.Items) out.Items = (out.Items as Item[]).map((item) => marshall(item, MARSHALL));
  return out;
}

/**
 * A document client whose commands run on a MemoryDynamoDb instead of over HTTP; the store code cannot tell.
 * It is a real DynamoDBDocumentClient (so it fits `Db.doc`), built on a client that never sends a request.
 */
class MemoryDocumentClient extends DynamoDBDocumentClient {
  constructor(readonly memory: MemoryDynamoDb) {
    super(
      new DynamoDBClient({
        region: 'memory',
        credentials: { accessKeyId: 'memory', secretAccessKey: 'memory' },
      }),
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: one signature stands in for every overload of Client.send.
  override send(command: any): Promise<any> {
    return this.memory.execute(command);
  }
}

/** A Db whose table lives in memory (ensureTable creates it, as on DynamoDB); share a MemoryDynamoDb to give several Dbs the same data. */
export function createMemoryDb(tableName: string, memory = new MemoryDynamoDb()): Db {
  const doc = new MemoryDocumentClient(memory);
  return { doc, tableName };
}

/**
 * DynamoDB's background TTL deletion at `now`, for callers that do not know which store they have: a memory Db
 * deletes its expired items (see MemoryDynamoDb.expireItems); DynamoDB deletes them on its own, so there it does
 * nothing. Returns how many items it deleted.
 */
export function expireItems(db: Db, now: Date): number {
  return db.doc instanceof MemoryDocumentClient ? db.doc.memory.expireItems(now) : 0;
}

/**
 * Gives a memory Db's table horizons (see horizons.ts), forgotten by each expireItems from then on; true when it
 * did. DynamoDB has no such thing: on any other Db it does nothing and answers false.
 */
export function keepWithin(db: Db, horizons: readonly Horizon[]): boolean {
  if (!(db.doc instanceof MemoryDocumentClient)) return false;
  db.doc.memory.keepWithin(db.tableName, horizons);
  return true;
}
