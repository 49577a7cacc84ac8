import '#local/quiet-sdk';
import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import type { Clock } from '#core/clock';
import { addDays } from '#core/health/days';
import { modelVersion } from '#core/health/model-version';
import { recomputeBaselines } from '#functions/shared/health/recompute-baselines';
import { recomputeAll, recomputeDirty } from '#functions/shared/health/recompute-portfolio';
import { ingestSignals } from '#functions/shared/ingest';
import type { Deps } from '#functions/shared/runtime';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { upsertAccounts } from '#store/account-store';
import { writeModelMarker } from '#store/baseline-store';
import { createDb, type Db } from '#store/client';
import { chunk } from '#store/parallel';
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
 * Health scoring from stored rollups in DynamoDB Local (in memory, started here):
 * 1. a full pass over a seeded portfolio (every account scored for the first time): accounts per second, and
 *    read and write units per account;
 * 2. the next day, 1% of accounts receive signals (through the ingest path, which marks them dirty); the
 *    incremental pass (recomputeDirty) is timed against a full pass of the same day (recomputeAll 'daily'), and
 *    the ratio of their times and read units reported.
 * Each account holds DAYS_LIVE (120) days of rollups; segments 10% Strategic, 30% Core, 60% Transactional.
 * `nodeCpuMsPerAccount` is this process's CPU per account scored (reads unmarshalled, scoring, writes marshalled);
 * the rest of the wall time is DynamoDB Local, which shares the machine.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500);
const CHANGED_SHARE = 0.01;
const NOW = new Date('2026-06-01T12:00:00Z');

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

/** Runs `fn` with the meter zeroed; returns its time, this process's CPU time and the units it consumed. */
async function metered<T>(db: Db, fn: () => Promise<T>) {
  db.meter = { readUnits: 0, writeUnits: 0 };
  const cpu = process.cpuUsage();
  const run = await timed(fn);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { ...run, cpuSeconds, readUnits: db.meter.readUnits, writeUnits: db.meter.writeUnits };
}

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const db = createDb('bench-scoring', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    const seeds = portfolio(ACCOUNTS);
    const seeding = await timed(() => seed(db, seeds));
    let now = NOW;
    const clock: Clock = { now: () => new Date(now) };
    const deps: Deps = { db, clock, logger: new Logger({ logLevel: 'SILENT' }) };
    const config = defaultConfig;

    const baselines = await metered(db, () => recomputeBaselines(deps, config));
    const first = await metered(db, () => recomputeAll(deps, config, 'daily'));
    await writeModelMarker(db, { modelVersion: modelVersion(config), completedAt: now.toISOString() });
    if (first.result.byStatus['first-score'] !== ACCOUNTS)
      throw new Error('first pass did not score everyone');

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

    const figures = {
      bench: 'scoring',
      accounts: ACCOUNTS,
      rollupsPerAccount: DAYS_LIVE,
      accountsPerSec: Math.round(ACCOUNTS / first.seconds),
      ruPerAccount: round(first.readUnits / ACCOUNTS),
      wuPerAccount: round(first.writeUnits / ACCOUNTS),
      nodeCpuMsPerAccount: round((first.cpuSeconds * 1000) / ACCOUNTS, 1),
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
      machine: machine(),
    };
    process.stderr.write(
      `scoring: ${figures.accountsPerSec} accounts/s from stored rollups, ${figures.ruPerAccount} RU and ` +
        `${figures.wuPerAccount} WU per account; incremental day (${changed.length} changed) ` +
        `${figures.incremental.seconds}s vs full ${figures.full.seconds}s (time ratio ${figures.incrementalVsFull.time})\n`,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await dynamo.stop();
  }
}

await main();
