import { BatchExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, recordCapacity } from './client.ts';
import { ThrottledError } from './errors.ts';
import { KeySet } from './memory/requests.ts';
import { itemSize, type Item as StoredItem } from './memory/values.ts';
import { backoffMs, mapLimit, sleep } from './parallel.ts';
import type { StatementOutcome, WriteStatement } from './partiql.ts';
import { onePer } from './per-owner.ts';

/**
 * Conditional writes 25 to a request (BatchExecuteStatement), each statement answered on its own: the SDK's cost
 * per request, which dominates the Node CPU of single-item writes, is paid once per 25.
 */

const PER_REQUEST = 25;
const REQUESTS_IN_FLIGHT = 8;
const MAX_ROUNDS = 12;

/** Statement answers that mean "try this statement again" (throttling, a lost transaction race, a hiccup). */
const RETRYABLE = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'TransactionConflict',
  'InternalServerError',
]);
const SETTLED = new Set<string>(['ConditionalCheckFailed', 'DuplicateItem']);

/** Write units DynamoDB bills for writing this item: its size in 1 KB units, at least one. */
const writeUnitsOf = (item: Record<string, unknown>) =>
  Math.max(1, Math.ceil(itemSize(item as StoredItem) / 1024));

/**
 * Where no capacity comes back (DynamoDB Local), a statement is metered by the item it writes, refused or not
 * (DynamoDB bills a refused conditional write all the same; for an update, a lower bound: it bills the larger of
 * old and new).
 */
function meterByItem(db: Db, item: Record<string, unknown>): void {
  if (db.meter) db.meter.writeUnits += writeUnitsOf(item);
}

/**
 * Requests of at most 25 statements, no two on the same item (DynamoDB refuses such a request whole): a statement
 * whose item is already in a request goes to the next one that has room for it.
 */
function requestsOf(indexes: readonly number[], statements: readonly WriteStatement[]): number[][] {
  const requests: { members: number[]; items: KeySet }[] = [];
  for (const index of indexes) {
    const { pk, sk } = (statements[index] as WriteStatement).key;
    let request = requests.find((r) => r.members.length < PER_REQUEST && !r.items.has(pk, sk));
    if (!request) {
      request = { members: [], items: new KeySet() };
      requests.push(request);
    }
    request.members.push(index);
    request.items.add(pk, sk);
  }
  return requests.map((r) => r.members);
}

/**
 * Runs the statements, 25 to a request, a few requests in flight; returns each one's outcome in order. Statements
 * the table throttled are sent again with back-off; any other error is thrown. BatchExecuteStatement reports its
 * capacity in AWS (refused statements included); DynamoDB Local reports none, so there the meter counts every
 * statement answered by the item it writes.
 */
export async function executeStatements(
  db: Db,
  statements: readonly WriteStatement[],
): Promise<StatementOutcome[]> {
  const outcomes = new Array<StatementOutcome>(statements.length);
  let pending = statements.map((_, i) => i);
  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_ROUNDS) throw new ThrottledError(`${pending.length} statements left unwritten`);
    if (round > 0) await sleep(backoffMs(round));
    const retry: number[] = [];
    await mapLimit(requestsOf(pending, statements), REQUESTS_IN_FLIGHT, async (request) => {
      const out = await db.doc.send(
        new BatchExecuteStatementCommand({
          Statements: request.map((i) => {
            const { Statement, Parameters } = statements[i] as WriteStatement;
            return { Statement, Parameters };
          }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      if (out.ConsumedCapacity !== undefined) recordCapacity(db, out.ConsumedCapacity, 'write');
      request.forEach((i, n) => {
        const code = out.Responses?.[n]?.Error?.Code;
        if (code !== undefined && RETRYABLE.has(code)) {
          retry.push(i);
          return;
        }
        if (code !== undefined && !SETTLED.has(code))
          throw new Error(`statement failed: ${code}: ${out.Responses?.[n]?.Error?.Message}`);
        outcomes[i] = (code as StatementOutcome | undefined) ?? 'written';
        if (out.ConsumedCapacity === undefined) meterByItem(db, (statements[i] as WriteStatement).written);
      });
    });
    pending = retry;
  }
  return outcomes;
}

/**
 * Statements queued by concurrent callers of one Db during one turn of the event loop, sent together: callers
 * that each write one item (a day's rollup, a ticket, a marker) share requests of 25 without knowing of each other.
 */
class StatementQueue {
  private queued: { statement: WriteStatement; settle: (outcome: Promise<StatementOutcome>) => void }[] = [];

  constructor(private readonly db: Db) {}

  run(statement: WriteStatement): Promise<StatementOutcome> {
    return new Promise((resolve) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ statement, settle: resolve });
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    const outcomes = executeStatements(
      this.db,
      batch.map((q) => q.statement),
    );
    batch.forEach(({ settle }, i) => {
      settle(outcomes.then((all) => all[i] as StatementOutcome));
    });
  }
}

const queueOf = onePer((db: Db) => new StatementQueue(db));

/** Runs one statement in a request shared with the other statements this Db's callers queue in the same turn. */
export function runStatement(db: Db, statement: WriteStatement): Promise<StatementOutcome> {
  return queueOf(db).run(statement);
}
