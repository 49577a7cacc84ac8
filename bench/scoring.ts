import '#local/quiet-sdk';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { defaultConfig } from '#config/default';
import type { AccountInput } from '#core/accounts';
import type { Clock } from '#core/clock';
import { utcDay } from '#core/clock';
import { addDays } from '#core/health/days';
import { modelVersion } from '#core/health/model-version';
import { type AccountHealthInput, nextHealth } from '#core/health/next-health';
import { syntheticPortfolio } from '#core/simulation/synthetic';
import { loadHealthInput } from '#functions/shared/health/load';
import { recomputeBaselines } from '#functions/shared/health/recompute-baselines';
import { recomputeAll, recomputeDirty } from '#functions/shared/health/recompute-portfolio';
import { ingestSignals } from '#functions/shared/ingest';
import type { Deps } from '#functions/shared/runtime';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { upsertAccounts } from '#store/account-store';
import { writeModelMarker } from '#store/baseline-store';
import { queryAll } from '#store/batch';
import { createDb, type Db } from '#store/client';
import { keys } from '#store/keys';
import { createMemoryDb } from '#store/memory/client';
import { chunk } from '#store/parallel';
import { readRollups } from '#store/signal-store';
import { ensureTable } from '#store/table';
import {
  accountFor,
  DAYS_LIVE,
  type Profile,
  type SeededAccount,
  type SegmentId,
  signalsFor,
} from '../tests/support/health-portfolio.ts';
import { historyFor, historyOf, type StoredHistory, storeHistory } from '../tests/support/seed-store.ts';
import { machine, round, timed } from './support.ts';

/**
 * Health scoring from stored rollups, on DynamoDB Local (in memory, started here) and on the in-memory store
 * adapter (store/memory/, what the simulator runs on).
 *
 * DynamoDB Local:
 * 1. a full pass over a seeded portfolio (every account scored for the first time): accounts per second, read and
 *    write units per account, and this process's CPU per account (`nodeCpuMsPerAccount`: requests, unmarshalling,
 *    scoring, marshalling; the rest of the wall time is DynamoDB Local, which shares the machine);
 * 2. the next day, 1% of accounts receive signals (through the ingest path, which marks them dirty); the
 *    incremental pass (recomputeDirty) is timed against a full pass of the same day (recomputeAll 'daily');
 * Each account holds DAYS_LIVE (120) days of rollups; segments 10% Strategic, 30% Core, 60% Transactional.
 *
 * 3. `readCpuMsPerAccount`: the reads' part of that CPU, one account after another: a single GetItem (the AWS SDK's
 *    cost of a small request), the lookback's rollups by Query, and everything a recompute reads.
 *
 * In-memory adapter (`adapter`): the same portfolio, and a simulated one (`adapterSimulated`: the simulator's
 * synthetic accounts after a year, about 150 rollups each from ~7 signals a day), each scored first, then by the
 * daily pass (recomputeAll 'daily', one account at a time as a simulated day would) on several days running. For
 * each: CPU per account of the daily pass (`recomputeMsPerAccount`, reads and writes included), of the reads
 * alone (`loadMsPerAccount`, loadHealthInput) and of scoring alone (`scoringMsPerAccount`, nextHealth on inputs
 * read before), the best of the days run (the machine is shared: the best day is the one least disturbed).
 *
 * The baseline, measured in the same run for every figure: a JSON round trip (stringify, then parse) of each
 * account's stored items (profile, the lookback's rollups, tickets, health), as CPU per account
 * (`yardstickMsPerAccount`). It involves no code under test, so the ratios to it (`...VsYardstick`) compare runs
 * on a loaded or an idle machine, and before and after a change.
 *
 *   BENCH_ACCOUNTS (500), BENCH_SIM_ACCOUNTS (200), BENCH_DAYS (5 days of daily passes on the adapter),
 *   BENCH_DYNAMO (1; 0 skips DynamoDB Local).
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500);
const SIM_ACCOUNTS = Number(process.env.BENCH_SIM_ACCOUNTS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 5);
const CHANGED_SHARE = 0.01;
const NOW = new Date('2026-06-01T12:00:00Z');
const config = defaultConfig;

function portfolio(size: number): SeededAccount[] {
  const segmentOf = (i: number): SegmentId =>
    i % 10 === 0 ? 'strategic' : i % 10 <= 3 ? 'core' : 'transactional';
  const profileOf = (i: number): Profile => (i % 7 === 5 ? 'moderate' : i % 7 === 6 ? 'troubled' : 'healthy');
  return Array.from({ length: size }, (_, i) => ({
    id: `acct-${String(i).padStart(5, '0')}`,
    segment: segmentOf(i),
    profile: profileOf(i),
    onSchedule: i % 2 === 1,
  }));
}

/** Accounts of one kind share a history (rollups are built once per kind and copied under each account id). */
async function seed(db: Db, seeds: readonly SeededAccount[]) {
  const templates = new Map<string, StoredHistory>();
  const template = (s: SeededAccount) => {
    const kind = `${s.segment}/${s.profile}/${s.onSchedule}`;
    const found = templates.get(kind) ?? historyOf(signalsFor({ ...s, id: 'template' }, NOW), NOW);
    templates.set(kind, found);
    return found;
  };
  for (const part of chunk(seeds, 100)) {
    await upsertAccounts(
      db,
      part.map((s) => accountFor(s, NOW)),
      NOW,
    );
    const histories = part.map((s) => historyFor(s.id, template(s)));
    await storeHistory(db, {
      rollups: histories.flatMap((h) => h.rollups),
      tickets: histories.flatMap((h) => h.tickets),
    });
  }
}

/** The simulator's synthetic accounts with a year of their signals stored as rollups; returns the day after. */
async function seedSimulated(db: Db, size: number): Promise<{ ids: string[]; end: Date }> {
  const days = 365;
  const synthetic = syntheticPortfolio(size, days, 1);
  const start = new Date(`${synthetic.start}T00:00:00Z`);
  const accounts: AccountInput[] = synthetic.accounts.map((a) => a.account);
  await upsertAccounts(db, accounts, start);
  for (let day = 0; day < days; day += 30) {
    const signals = Array.from({ length: Math.min(30, days - day) }, (_, d) =>
      synthetic.signalsForDay(day + d),
    );
    await storeHistory(db, historyOf(signals.flat(), start));
  }
  return { ids: accounts.map((a) => a.id), end: addDays(start, days) };
}

/** Runs `fn` with the meter zeroed; returns its time, this process's CPU time and the units it consumed. */
async function metered<T>(db: Db, fn: () => Promise<T>) {
  db.meter = { readUnits: 0, writeUnits: 0 };
  const cpu = process.cpuUsage();
  const run = await timed(fn);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { ...run, cpuSeconds, readUnits: db.meter.readUnits, writeUnits: db.meter.writeUnits };
}

/** This process's CPU milliseconds for `fn`. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
}

/** What one recompute reads, read raw through the same client (no projection, no parsing). */
async function rawItems(db: Db, accountId: string, now: Date): Promise<unknown[]> {
  const fromDay = utcDay(addDays(now, -(config.health.lookbackDays - 1)));
  const partition = keys.accountPartition(accountId);
  const [profile, rollups, tickets, health] = await Promise.all([
    db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: keys.account(accountId), ConsistentRead: true }),
    ),
    queryAll(db, {
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': partition,
        ':from': keys.rollup(accountId, fromDay).sk,
        ':to': keys.rollup(accountId, utcDay(now)).sk,
      },
    }),
    queryAll(db, {
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.ticketPrefix },
    }),
    db.doc.send(
      new GetCommand({ TableName: db.tableName, Key: keys.health(accountId), ConsistentRead: true }),
    ),
  ]);
  return [profile.Item, ...rollups, ...tickets, health.Item];
}

/** The baseline (see the top): CPU milliseconds per account of a JSON round trip of its stored items. */
async function yardstick(db: Db, ids: readonly string[], now: Date): Promise<number> {
  const items: unknown[][] = [];
  for (const id of ids) items.push(await rawItems(db, id, now));
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    best = Math.min(
      best,
      await cpuMs(async () => {
        for (const account of items) JSON.parse(JSON.stringify(account));
      }),
    );
  }
  return best / ids.length;
}

/** Daily passes on the in-memory adapter, several days running; the best day's CPU per account of each part. */
async function onAdapter(db: Db, ids: readonly string[], firstDay: Date) {
  let now = firstDay;
  const clock: Clock = { now: () => new Date(now) };
  const deps: Deps = { db, clock, logger: new Logger({ logLevel: 'SILENT' }) };
  await recomputeBaselines(deps, config);
  const first = await cpuMs(() => recomputeAll(deps, config, 'daily'));
  const baselines = await recomputeBaselines(deps, config);
  const best = { load: Infinity, scoring: Infinity, recompute: Infinity };
  let rollups = 0;
  const perAccount = (ms: number) => ms / ids.length;
  for (let day = 1; day <= DAYS; day++) {
    now = addDays(firstDay, day);
    const inputs: AccountHealthInput[] = [];
    const load = await cpuMs(() =>
      each(ids, async (id) => {
        const input = await loadHealthInput(db, config, id, now);
        if (input) inputs.push(input);
      }),
    );
    best.load = Math.min(best.load, perAccount(load));
    rollups = inputs.reduce((sum, input) => sum + input.rollups.length, 0) / inputs.length;
    const scoring = await cpuMs(async () => {
      for (const input of inputs) nextHealth(config, input, baselines, now, 'daily');
    });
    best.scoring = Math.min(best.scoring, perAccount(scoring));
    best.recompute = Math.min(
      best.recompute,
      perAccount(await cpuMs(() => recomputeAll(deps, config, 'daily'))),
    );
  }
  const stick = await yardstick(db, ids, now);
  return {
    accounts: ids.length,
    rollupsPerAccount: Math.round(rollups),
    firstScoreMsPerAccount: round(perAccount(first), 3),
    recomputeMsPerAccount: round(best.recompute, 3),
    loadMsPerAccount: round(best.load, 3),
    scoringMsPerAccount: round(best.scoring, 3),
    yardstickMsPerAccount: round(stick, 3),
    recomputeVsYardstick: round(best.recompute / stick, 2),
    scoringVsYardstick: round(best.scoring / stick, 2),
  };
}

/**
 * Where the reads' share of the Node CPU goes on DynamoDB Local, one account after another (so CPU is not shared
 * between requests in flight): a consistent GetItem of the profile (the SDK's cost of one small request), the
 * lookback's rollups by Query (one page of ~120 items), and everything a recompute reads (loadHealthInput).
 */
async function readCpu(db: Db, ids: readonly string[], now: Date) {
  const sample = ids.slice(0, Math.min(100, ids.length));
  const perAccount = async (fn: (id: string) => Promise<unknown>) => {
    await each(sample.slice(0, 10), fn);
    return round((await cpuMs(() => each(sample, fn))) / sample.length, 3);
  };
  const fromDay = utcDay(addDays(now, -(config.health.lookbackDays - 1)));
  return {
    getItem: await perAccount((id) =>
      db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.account(id), ConsistentRead: true })),
    ),
    rollupQuery: await perAccount((id) => readRollups(db, id, fromDay, utcDay(now), { consistent: true })),
    allReads: await perAccount((id) => loadHealthInput(db, config, id, now)),
  };
}

/** One account after another, as a simulated day runs them. */
async function each(ids: readonly string[], fn: (id: string) => Promise<unknown>) {
  for (const id of ids) await fn(id);
}

async function onDynamoDbLocal() {
  const dynamo = await startDynamoDbLocal();
  try {
    const db = createDb('bench-scoring', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    const seeds = portfolio(ACCOUNTS);
    const seeding = await timed(() => seed(db, seeds));
    let now = NOW;
    const clock: Clock = { now: () => new Date(now) };
    const deps: Deps = { db, clock, logger: new Logger({ logLevel: 'SILENT' }) };

    const baselines = await metered(db, () => recomputeBaselines(deps, config));
    const first = await metered(db, () => recomputeAll(deps, config, 'daily'));
    await writeModelMarker(db, { modelVersion: modelVersion(config), completedAt: now.toISOString() });
    if (first.result.byStatus['first-score'] !== ACCOUNTS)
      throw new Error('first pass did not score everyone');
    const stick = await yardstick(
      db,
      seeds.map((s) => s.id),
      now,
    );

    now = addDays(NOW, 1);
    const changed = seeds.filter((_, i) => i % Math.round(1 / CHANGED_SHARE) === 3);
    const fresh = changed.flatMap((s) => [
      {
        id: `${s.id}-next-login`,
        accountId: s.id,
        type: 'login',
        occurredAt: now.toISOString(),
        userId: 'u-next',
      },
      { id: `${s.id}-next-nps`, accountId: s.id, type: 'nps', occurredAt: now.toISOString(), value: 4 },
    ]);
    const ingested = await ingestSignals(db, fresh, now);
    if (ingested.accepted !== fresh.length)
      throw new Error(`ingested ${ingested.accepted} of ${fresh.length}`);
    const incremental = await metered(db, () => recomputeDirty(deps, config));
    if (incremental.result.dirty.accounts !== changed.length || incremental.result.modelPass) {
      throw new Error(`incremental pass scored ${incremental.result.dirty.accounts}, not ${changed.length}`);
    }
    const full = await metered(db, () => recomputeAll(deps, config, 'daily'));
    const nodeCpuMsPerAccount = (first.cpuSeconds * 1000) / ACCOUNTS;
    const readCost = await readCpu(
      db,
      seeds.map((s) => s.id),
      now,
    );
    return {
      accounts: ACCOUNTS,
      rollupsPerAccount: DAYS_LIVE,
      accountsPerSec: Math.round(ACCOUNTS / first.seconds),
      ruPerAccount: round(first.readUnits / ACCOUNTS),
      wuPerAccount: round(first.writeUnits / ACCOUNTS),
      nodeCpuMsPerAccount: round(nodeCpuMsPerAccount, 1),
      yardstickMsPerAccount: round(stick, 3),
      nodeCpuVsYardstick: round(nodeCpuMsPerAccount / stick, 1),
      readCpuMsPerAccount: readCost,
      baselineSeconds: round(baselines.seconds),
      incremental: {
        changedAccounts: changed.length,
        seconds: round(incremental.seconds, 3),
        readUnits: round(incremental.readUnits),
      },
      full: {
        seconds: round(full.seconds),
        readUnits: round(full.readUnits),
        changedAccounts: full.result.byStatus.changed,
      },
      incrementalVsFull: {
        time: round(incremental.seconds / full.seconds, 4),
        readUnits: round(incremental.readUnits / full.readUnits, 4),
      },
      seedSeconds: round(seeding.seconds),
    };
  } finally {
    await dynamo.stop();
  }
}

async function main() {
  const dynamodbLocal = process.env.BENCH_DYNAMO === '0' ? null : await onDynamoDbLocal();

  const memory = createMemoryDb('bench-scoring');
  await ensureTable(memory.doc, memory.tableName);
  const seeds = portfolio(ACCOUNTS);
  await seed(memory, seeds);
  const adapter = await onAdapter(
    memory,
    seeds.map((s) => s.id),
    NOW,
  );

  const simulated = createMemoryDb('bench-scoring-simulated');
  await ensureTable(simulated.doc, simulated.tableName);
  const { ids, end } = await seedSimulated(simulated, SIM_ACCOUNTS);
  const adapterSimulated = await onAdapter(simulated, ids, new Date(end.getTime() + 5 * 3_600_000));

  const figures = {
    bench: 'scoring',
    ...(dynamodbLocal ?? { dynamodbLocal: 'skipped (BENCH_DYNAMO=0)' }),
    adapter,
    adapterSimulated,
    machine: machine(),
  };
  if (dynamodbLocal) {
    process.stderr.write(
      `scoring on DynamoDB Local: ${dynamodbLocal.accountsPerSec} accounts/s, ${dynamodbLocal.nodeCpuMsPerAccount} ms ` +
        `of Node CPU per account (${dynamodbLocal.nodeCpuVsYardstick} yardsticks); incremental day ` +
        `${dynamodbLocal.incremental.seconds}s vs full ${dynamodbLocal.full.seconds}s\n`,
    );
  }
  process.stderr.write(
    `on the in-memory adapter: daily recompute ${adapter.recomputeMsPerAccount} ms per account ` +
      `(${adapterSimulated.recomputeMsPerAccount} ms for simulated accounts with ~${adapterSimulated.rollupsPerAccount} rollups), ` +
      `scoring alone ${adapter.scoringMsPerAccount} / ${adapterSimulated.scoringMsPerAccount} ms\n`,
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

await main();
