import { BatchExecuteStatementCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestSignals } from '#functions/shared/ingest';
import { upsertAccounts } from '#store/account-store';
import type { Db } from '#store/client';
import { mapLimit } from '#store/parallel';
import { readTickets } from '#store/signal-store';
import { crashingOn } from '../support/crash.ts';
import { comparableRollups, createTestDb, dumpTable, rollupsOnly } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const ACCOUNTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];

async function seededDb(): Promise<Db> {
  const db = await createTestDb();
  await upsertAccounts(
    db,
    ACCOUNTS.map((id) => account(id)),
    NOW,
  );
  return db;
}

/** Upserting marks accounts dirty; crash tests start from none, to see which marks the ingest path wrote. */
async function clearDirtyMarks(db: Db) {
  for (const { pk, sk } of await dumpTable(db, (item) => item.kind === 'dirty'))
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { pk, sk } }));
}

async function ingestInBatches(db: Db, signals: readonly unknown[], size = 1000) {
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  for (let i = 0; i < signals.length; i += size) {
    const result = await ingestSignals(db, signals.slice(i, i + size), NOW);
    totals.accepted += result.accepted;
    totals.duplicates += result.duplicates;
    totals.rejected += result.rejected.length;
  }
  return totals;
}

describe('signal ingestion, exactly once', () => {
  // 10,000 signals: 5 accounts x 50 days x 40 signals per account-day.
  const signals = realisticSignals(ACCOUNTS, 50, 40);
  let reference: Record<string, unknown>[];
  let referenceTickets: Record<string, unknown>[];

  beforeAll(async () => {
    const db = await seededDb();
    const totals = await ingestInBatches(db, signals);
    expect(totals).toEqual({ accepted: 10_000, duplicates: 0, rejected: 0 });
    reference = comparableRollups(await dumpTable(db, rollupsOnly));
    expect(reference).toHaveLength(5 * 50);
    referenceTickets = await dumpTable(db, (item) => item.kind === 'ticket');
    expect(referenceTickets.length).toBeGreaterThan(0);
  });

  it('rolls up every stored signal per account and day', () => {
    const counted = reference.reduce((sum, r) => sum + Number(r.signalCount), 0);
    expect(counted).toBe(10_000);
    const first = reference[0] as {
      counts: Record<string, number>;
      activeUserCount: number;
      features: string[];
    };
    expect(Object.values(first.counts).reduce((a, b) => a + b, 0)).toBe(40);
    expect(first.features).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(first.activeUserCount).toBe(10);
  });

  it('leaves identical rollups when the same 10,000 signals are replayed', async () => {
    const db = await seededDb();
    await ingestInBatches(db, signals);
    const replay = await ingestInBatches(db, signals);
    expect(replay).toEqual({ accepted: 0, duplicates: 10_000, rejected: 0 });
    expect(comparableRollups(await dumpTable(db, rollupsOnly))).toEqual(reference);
  });

  it('leaves identical rollups when two writers send the same signals concurrently, and tells each only what it stored', async () => {
    const db = await seededDb();
    const shuffled = [...signals].reverse();
    const [a, b] = await Promise.all([ingestInBatches(db, signals, 500), ingestInBatches(db, shuffled, 700)]);
    expect(a.accepted + b.accepted).toBe(10_000);
    expect(a.duplicates + b.duplicates).toBe(10_000);
    expect(comparableRollups(await dumpTable(db, rollupsOnly))).toEqual(reference);
    const stored = await dumpTable(db, (item) => item.kind === 'signal');
    expect(stored).toHaveLength(10_000);
  });

  it('shares rollup writes among requests in flight together in one process, losing none of them to each other', async () => {
    const db = await seededDb();
    let refusedRollupWrites = 0;
    const send = db.doc.send.bind(db.doc) as (command: unknown) => Promise<unknown>;
    const doc = Object.create(db.doc) as Db['doc'];
    doc.send = (async (command: unknown) => {
      const out = (await send(command)) as { Responses?: { Error?: { Code?: string } }[] };
      statementsOf(command).forEach((statement, i) => {
        if (onItems(statement, 'ROLLUP#') && out.Responses?.[i]?.Error) refusedRollupWrites++;
      });
      return out;
    }) as Db['doc']['send'];
    const counted = { ...db, doc };
    // Twenty batches, each holding a share of every account-day, four in flight: they all meet on the same days.
    const batches = Array.from({ length: 20 }, (_, b) => signals.filter((_, i) => i % 20 === b));
    const results = await mapLimit(batches, 4, (batch) => ingestSignals(counted, batch, NOW));
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(10_000);
    expect(refusedRollupWrites).toBe(0);
    expect(comparableRollups(await dumpTable(db, rollupsOnly))).toEqual(reference);
  });

  /** A crash at one point of the ingest path, then the import re-run: the table ends as if nothing had happened. */
  async function crashThenRerun(
    shouldCrash: (command: unknown) => boolean,
    afterCrash: (db: Db) => Promise<void> = async () => {},
  ) {
    const db = await seededDb();
    await clearDirtyMarks(db);
    const crashy = crashingOn(db, shouldCrash);
    await expect(ingestInBatches(crashy, signals)).rejects.toThrow('simulated crash');
    await afterCrash(db);
    const rerun = await ingestInBatches(db, signals);
    expect(rerun.accepted + rerun.duplicates).toBe(10_000);
    expect(await dumpTable(db, (item) => item.kind === 'signal')).toHaveLength(10_000);
    expect(comparableRollups(await dumpTable(db, rollupsOnly))).toEqual(reference);
    expect(await dumpTable(db, (item) => item.kind === 'ticket')).toEqual(referenceTickets);
    return db;
  }
  /** Writes go 25 to a request (PartiQL INSERT and UPDATE); a crash takes the whole request. */
  type Statement = { Statement?: string; Parameters?: unknown[] };
  const statementsOf = (command: unknown): Statement[] =>
    command instanceof BatchExecuteStatementCommand ? (command.input.Statements ?? []) : [];
  /** A statement on items whose key (pk or sk) starts with `prefix`: its parameters hold the key. */
  const onItems = (statement: Statement, prefix: string) =>
    (statement.Parameters ?? []).some((p) => typeof p === 'string' && p.startsWith(prefix));
  const writesOn = (command: unknown, prefix: string) =>
    statementsOf(command).some((statement) => onItems(statement, prefix));
  const insertsSignals = (command: unknown) =>
    statementsOf(command).some((statement) => (statement.Parameters ?? []).includes('signal'));

  it('stores nothing twice and counts everything when a crash struck in the middle of the signal writes', async () => {
    let writes = 0;
    await crashThenRerun((command) => insertsSignals(command) && ++writes === 133);
  });

  it('repairs rollups when a crash struck between writing signals and their rollup, once the import re-runs', async () => {
    let rollupWrites = 0;
    await crashThenRerun((command) => writesOn(command, 'ROLLUP#') && ++rollupWrites > 3);
  });

  it('repairs ticket state when a crash struck while it was written', async () => {
    let ticketWrites = 0;
    await crashThenRerun((command) => writesOn(command, 'TICKET#') && ++ticketWrites === 3);
  });

  it('marks every account for scoring when a crash struck before the batch finished', async () => {
    let marks = 0;
    const dirty = async (db: Db) =>
      (await dumpTable(db, (item) => item.kind === 'dirty')).map((m) => String(m.accountId)).sort();
    const db = await crashThenRerun(
      (command) => writesOn(command, 'DIRTY#') && ++marks === 1,
      async (crashed) => expect((await dirty(crashed)).length).toBeLessThan(ACCOUNTS.length),
    );
    expect(await dirty(db)).toEqual([...ACCOUNTS].sort());
  });

  it('keeps ticket state across days, open until a close arrives', async () => {
    const db = await seededDb();
    await ingestSignals(
      db,
      [
        {
          id: 't1',
          accountId: 'acme',
          type: 'ticket_opened',
          occurredAt: '2026-04-01T10:00:00Z',
          attributes: { ticketId: 'Z-1', priority: 'urgent' },
        },
        {
          id: 't2',
          accountId: 'acme',
          type: 'ticket_opened',
          occurredAt: '2026-04-02T10:00:00Z',
          attributes: { ticketId: 'Z-2' },
        },
        {
          id: 't3',
          accountId: 'acme',
          type: 'ticket_closed',
          occurredAt: '2026-05-20T10:00:00Z',
          attributes: { ticketId: 'Z-2' },
        },
      ],
      NOW,
    );
    const tickets = await readTickets(db, 'acme');
    expect(
      tickets.map(({ ticketId, priority, openedAt, closedAt }) => ({
        ticketId,
        priority,
        openedAt,
        closedAt,
      })),
    ).toEqual([
      { ticketId: 'Z-1', priority: 'urgent', openedAt: '2026-04-01T10:00:00.000Z', closedAt: undefined },
      {
        ticketId: 'Z-2',
        priority: 'normal',
        openedAt: '2026-04-02T10:00:00.000Z',
        closedAt: '2026-05-20T10:00:00.000Z',
      },
    ]);
  });

  it('rejects signals for unknown accounts and bad values by index, and stores the rest', async () => {
    const db = await seededDb();
    const result = await ingestSignals(
      db,
      [
        { id: 'ok', accountId: 'acme', type: 'login', occurredAt: '2026-05-01T09:00:00Z', userId: 'u1' },
        { id: 'ghost', accountId: 'nobody', type: 'login', occurredAt: '2026-05-01T09:00:00Z', userId: 'u1' },
        { id: 'bad-nps', accountId: 'acme', type: 'nps', occurredAt: '2026-05-01T09:00:00Z', value: 11 },
        { id: 'future', accountId: 'acme', type: 'login', occurredAt: '2026-06-02T09:00:00Z', userId: 'u1' },
      ],
      NOW,
    );
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      {
        index: 1,
        id: 'ghost',
        errors: [{ path: 'accountId', message: expect.stringContaining('unknown account "nobody"') }],
      },
      { index: 2, id: 'bad-nps', errors: [{ path: 'value', message: expect.stringContaining('0 to 10') }] },
      { index: 3, id: 'future', errors: [{ path: 'occurredAt', message: 'is in the future' }] },
    ]);
    expect(await dumpTable(db, (item) => item.kind === 'signal')).toHaveLength(1);
  });

  it('writes a rollup a crash left missing even when a replay holds only duplicates', async () => {
    const db = await seededDb();
    const one = {
      id: 'solo',
      accountId: 'acme',
      type: 'login',
      occurredAt: '2026-05-03T09:00:00Z',
      userId: 'u1',
    };
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: 'ACCOUNT#acme',
          sk: 'SIGNAL#2026-05-03#solo',
          kind: 'signal',
          ...one,
          receivedAt: NOW.toISOString(),
        },
      }),
    );
    const result = await ingestSignals(db, [one], NOW);
    expect(result).toMatchObject({ accepted: 0, duplicates: 1 });
    const [rollup] = await dumpTable(db, rollupsOnly);
    expect(rollup).toMatchObject({ day: '2026-05-03', signalCount: 1, counts: { login: 1 } });
  });
});
