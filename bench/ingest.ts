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
 * collector flushes (so one batch holds several signals per account-day). Both paths first run once, untimed, on
 * other items, so neither is measured on a cold JVM.
 *
 * Then what one signal costs against what its day already holds: single-signal requests, alternating, into a day
 * holding FULL_DAY signals and into days holding none (a new day each time); `fullDay.ratio` is the median time of
 * the first over the second (target: at most 1.2), with the read and write units of each.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 10);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 25);
const CONCURRENCY = 4;
const FULL_DAY = Number(process.env.BENCH_FULL_DAY ?? 12_000);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 100);
const KEY = 'cg_bench_key';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function post(url: string, signals: readonly unknown[]): Promise<{ accepted: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ signals }),
  });
  if (response.status !== 202)
    throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { accepted: number };
}

const roundUnits = (u: { readUnits: number; writeUnits: number }) => ({
  readUnits: round(u.readUnits),
  writeUnits: round(u.writeUnits),
});

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
    const signals = realisticSignals(accountIds, DAYS, PER_DAY, '2026-03-01').sort((a, b) =>
      a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1,
    );
    const now = new Date('2026-06-01T00:00:00Z');

    const raw = createDb('bench-raw', dynamo.endpoint);
    await ensureTable(raw.doc, raw.tableName);
    const items = (list: readonly SignalInput[]) =>
      list.map((s) => ({
        ...keys.signal(s.accountId, signalDay(s), s.id),
        kind: 'signal',
        ...s,
        receivedAt: now.toISOString(),
      }));
    const rawWrite = (list: Record<string, unknown>[]) =>
      mapLimit(chunk(list, 25), CONCURRENCY * 4, (part) =>
        raw.doc.send(
          new BatchWriteCommand({
            RequestItems: { [raw.tableName]: part.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      );

    // churnguard: through the local HTTP API, the same handler code Lambda runs.
    const db = createDb('bench-churnguard', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    const warmIds = ['warm-0', 'warm-1', 'warm-2', 'warm-3'];
    await upsertAccounts(
      db,
      [...accountIds, ...warmIds, 'full-day', 'empty-days'].map((id) => account(id)),
      now,
    );
    await registerApiKey(db, KEY, 'bench', now);
    const clock = { now: () => new Date(Math.max(systemClock.now().getTime(), now.getTime())) };
    const server = createLocalApiServer({ db, clock, logger: new Logger({ logLevel: 'SILENT' }) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/signals`;

    // Warm-up, untimed: both paths once, on other accounts and other items.
    const warmup = realisticSignals(warmIds, 10, 100, '2026-02-01');
    await rawWrite(items(warmup));
    await mapLimit(chunk(warmup, 1000), CONCURRENCY, (batch) => post(url, batch));

    const rawRun = await timed(() => rawWrite(items(signals)));
    db.meter = { readUnits: 0, writeUnits: 0 };
    let accepted = 0;
    const short: string[] = [];
    const run = await timed(() =>
      mapLimit(chunk(signals, 1000), CONCURRENCY, async (batch) => {
        const answer = await post(url, batch);
        if (answer.accepted !== batch.length) short.push(JSON.stringify(answer).slice(0, 1000));
        accepted += answer.accepted;
      }),
    );
    if (accepted !== signals.length)
      throw new Error(
        `accepted ${accepted} of ${signals.length}; answers short of their batch:\n${short.join('\n')}`,
      );
    const meter = { ...db.meter };

    // One signal into a day holding FULL_DAY signals, against one into an empty day, alternating.
    const fullDay = '2026-04-01';
    // The realistic mix (ten users, four features, tickets), squeezed into one day: one signal every 7 s.
    const history = realisticSignals(['full-day'], 1, FULL_DAY, fullDay).map((signal, i) => ({
      ...signal,
      occurredAt: new Date(Date.parse(`${fullDay}T00:00:00Z`) + i * 7000).toISOString(),
    }));
    if (new Set(history.map(signalDay)).size !== 1) throw new Error('the full day spills over midnight');
    for (const batch of chunk(history, 1000)) await post(url, batch);
    const single = (accountId: string, day: string, id: string) => ({
      id,
      accountId,
      type: 'login',
      occurredAt: `${day}T23:00:00Z`,
      userId: 'u1',
    });
    const cost = { full: [] as number[], empty: [] as number[] };
    const units = { full: { readUnits: 0, writeUnits: 0 }, empty: { readUnits: 0, writeUnits: 0 } };
    for (let i = 0; i < SINGLES; i++) {
      const emptyDay = new Date(Date.parse('2026-04-02T00:00:00Z') + i * 86_400_000)
        .toISOString()
        .slice(0, 10);
      for (const [which, signal] of [
        ['full', single('full-day', fullDay, `single-${i}`)],
        ['empty', single('empty-days', emptyDay, `single-${i}`)],
      ] as const) {
        db.meter = { readUnits: 0, writeUnits: 0 };
        const one = await timed(() => post(url, [signal]));
        if (one.result.accepted !== 1)
          throw new Error(`a single signal was not accepted: ${JSON.stringify(one)}`);
        cost[which].push(one.seconds * 1000);
        units[which].readUnits += db.meter.readUnits / SINGLES;
        units[which].writeUnits += db.meter.writeUnits / SINGLES;
      }
    }
    server.closeAllConnections();
    server.close();

    const rawPerSec = signals.length / rawRun.seconds;
    const signalsPerSec = signals.length / run.seconds;
    const figures = {
      bench: 'ingest',
      signals: signals.length,
      accountDays: ACCOUNTS * DAYS,
      signalsPerSec: Math.round(signalsPerSec),
      rawBatchWritePerSec: Math.round(rawPerSec),
      ratio: round(signalsPerSec / rawPerSec),
      wuPerSignal: round(meter.writeUnits / signals.length),
      ruPerSignal: round(meter.readUnits / signals.length),
      fullDay: {
        storedSignals: FULL_DAY,
        singles: SINGLES,
        medianMs: round(median(cost.full), 1),
        emptyDayMedianMs: round(median(cost.empty), 1),
        ratio: round(median(cost.full) / median(cost.empty)),
        units: { full: roundUnits(units.full), empty: roundUnits(units.empty) },
      },
      machine: machine(),
    };
    process.stderr.write(
      `ingest: ${figures.signalsPerSec} signals/s through HTTP+validation+exactly-once rollups vs ` +
        `${figures.rawBatchWritePerSec}/s raw BatchWriteItem (ratio ${figures.ratio}); ` +
        `${figures.wuPerSignal} WU and ${figures.ruPerSignal} RU per signal; one signal into a day of ${FULL_DAY}: ` +
        `${figures.fullDay.medianMs} ms vs ${figures.fullDay.emptyDayMedianMs} ms into an empty day (ratio ${figures.fullDay.ratio})\n`,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await dynamo.stop();
  }
}

await main();
