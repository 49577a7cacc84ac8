import '#local/quiet-sdk';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type SignalInput, signalDay } from '#core/signals';
import { systemClock } from '#functions/shared/system-clock';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { createLocalApiServer } from '#local/http-server';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import { createDb } from '#store/client';
import { keys } from '#store/keys';
import { chunk, mapLimit } from '#store/parallel';
import { ensureTable } from '#store/table';
import { account, realisticSignals } from '../tests/support/fixtures.ts';
import { machine, round, timed } from './support.ts';

/**
 * Signals/second through the whole ingest path (HTTP -> validation -> exactly-once store with rollups) against raw
 * BatchWriteItem of the same signal items into the same DynamoDB Local, and write units per signal.
 * The mix: ACCOUNTS accounts x DAYS days x PER_DAY signals, sent in time order in batches of 1,000, the way a
 * collector flushes (so one batch holds several signals per account-day).
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 10);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 25);
const CONCURRENCY = 4;
const KEY = 'cg_bench_key';

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
    const signals = realisticSignals(accountIds, DAYS, PER_DAY, '2026-03-01').sort((a, b) =>
      a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1,
    );
    const now = new Date('2026-06-01T00:00:00Z');

    // Raw baseline: the same signal items, BatchWriteItem, same concurrency.
    const raw = createDb('bench-raw', dynamo.endpoint);
    await ensureTable(raw.doc, raw.tableName);
    const items = signals.map((s: SignalInput) => ({
      ...keys.signal(s.accountId, signalDay(s), s.id),
      kind: 'signal',
      ...s,
      receivedAt: now.toISOString(),
    }));
    const rawRun = await timed(() =>
      mapLimit(chunk(items, 25), CONCURRENCY * 4, (part) =>
        raw.doc.send(
          new BatchWriteCommand({
            RequestItems: { [raw.tableName]: part.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      ),
    );

    // churnguard: through the local HTTP API, the same handler code Lambda runs.
    const db = createDb('bench-churnguard', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    await upsertAccounts(
      db,
      accountIds.map((id) => account(id)),
      now,
    );
    await registerApiKey(db, KEY, 'bench', now);
    db.meter = { readUnits: 0, writeUnits: 0 };
    const clock = { now: () => new Date(Math.max(systemClock.now().getTime(), now.getTime())) };
    const server = createLocalApiServer({ db, clock, logger: new Logger({ logLevel: 'SILENT' }) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/signals`;
    let accepted = 0;
    const run = await timed(() =>
      mapLimit(chunk(signals, 1000), CONCURRENCY, async (batch) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ signals: batch }),
        });
        const body = (await response.json()) as { accepted: number };
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
        accepted += body.accepted;
      }),
    );
    server.closeAllConnections();
    server.close();
    if (accepted !== signals.length) throw new Error(`accepted ${accepted} of ${signals.length}`);

    const rawPerSec = signals.length / rawRun.seconds;
    const signalsPerSec = signals.length / run.seconds;
    const figures = {
      bench: 'ingest',
      signals: signals.length,
      accountDays: ACCOUNTS * DAYS,
      signalsPerSec: Math.round(signalsPerSec),
      rawBatchWritePerSec: Math.round(rawPerSec),
      ratio: round(signalsPerSec / rawPerSec),
      wuPerSignal: round(db.meter.writeUnits / signals.length),
      ruPerSignal: round(db.meter.readUnits / signals.length),
      machine: machine(),
    };
    process.stderr.write(
      `ingest: ${figures.signalsPerSec} signals/s through HTTP+validation+exactly-once rollups vs ` +
        `${figures.rawBatchWritePerSec}/s raw BatchWriteItem (ratio ${figures.ratio}); ` +
        `${figures.wuPerSignal} WU and ${figures.ruPerSignal} RU per signal\n`,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await dynamo.stop();
  }
}

await main();
