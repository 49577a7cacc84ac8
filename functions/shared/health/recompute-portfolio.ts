import type { Config } from '#config/schema';
import type { CohortSample } from '#core/health/baselines';
import { modelVersion } from '#core/health/model-version';
import type { AccountHealthInput } from '#core/health/next-health';
import type { RecomputeReason } from '#core/health/record';
import type { Baselines } from '#core/health/types';
import { readModelMarker, writeModelMarker } from '#store/baseline-store';
import {
  claimDirtyMany,
  clearDirtyMany,
  type DirtyClaim,
  type DirtyMark,
  listDirty,
} from '#store/dirty-store';
import { type PassRun, putSampleChunk, readSamples, SAMPLES_PER_CHUNK } from '#store/health-pass-store';
import { SHARD_COUNT } from '#store/keys';
import { chunk, mapLimit } from '#store/parallel';
import { listPortfolio, listPortfolioShard, type PortfolioEntry } from '#store/portfolio-store';
import type { Deps } from '../runtime.ts';
import { currentBaselines } from './baselines.ts';
import { type HealthInputReader, healthInputReader } from './load.ts';
import { type RecomputeOutcome, type RecomputeStatus, recomputeAccount } from './recompute-account.ts';
import { learnBaselines, PASS_CONCURRENCY, readAndSample, sampleAccounts } from './recompute-baselines.ts';

/**
 * Passes over many accounts. Three triggers, one account recompute (recompute-account.ts):
 * - dirty: accounts whose signals or profile changed (marked by ingest and upserts), and nothing else;
 * - model change: when the model version differs from the one the last whole pass finished under, baselines are
 *   learnt again and every account scored under another model is scored again;
 * - daily: baselines, then every account, for time decay (recency weights, windows, milestone due days).
 */

export interface PassSummary {
  accounts: number;
  byStatus: Record<RecomputeStatus | 'failed', number>;
  /** Accounts whose recompute threw (each logged with its error); the others were scored and stored regardless. */
  failed: string[];
}

/** What a pass does with each account it scored (risk detection: usecases/risk-triggers.ts). */
export interface PassHooks {
  afterScoring?: (outcome: RecomputeOutcome) => Promise<void>;
  /**
   * The samples the baselines are learnt from, given this table's (default: those alone). A sharded simulation
   * pools every shard's, so each shard scores against the same baselines.
   */
  poolSamples?: (mine: CohortSample[]) => Promise<CohortSample[]>;
}

interface Planned {
  accountId: string;
  reason: RecomputeReason;
  dirty?: DirtyMark;
  claimed?: DirtyClaim;
}

/**
 * Claims the dirty markers of the planned accounts that have one (store/dirty-store.ts), before anything of theirs
 * is read, 25 to a request: a plan whose marker is gone meanwhile is scored as not dirty (nothing to clear).
 */
async function claimPlanned(deps: Deps, planned: readonly Planned[], now: Date): Promise<Planned[]> {
  const unclaimed = planned.flatMap((plan) => (plan.dirty && !plan.claimed ? [plan.dirty] : []));
  const claims = await claimDirtyMany(deps.db, unclaimed, now);
  return planned.map(({ dirty, ...plan }): Planned => {
    if (plan.claimed) return { ...plan, dirty };
    const claimed = dirty && claims.get(plan.accountId);
    return claimed ? { ...plan, dirty, claimed } : plan;
  });
}

/**
 * Scores the planned accounts PASS_STEP at a time, PASS_CONCURRENCY in flight, and then clears the step's claimed
 * markers together. Without `inputs` (what a pass read already, after claiming), each step's markers are claimed
 * first and its accounts then read together (load.ts: their profiles and health in one request), and each is
 * scored from that read.
 */
async function recomputeMany(
  deps: Deps,
  config: Config,
  planned: readonly Planned[],
  baselines: Baselines,
  hooks: PassHooks = {},
  inputs?: ReadonlyMap<string, AccountHealthInput>,
): Promise<PassSummary> {
  const byStatus: PassSummary['byStatus'] = {
    'first-score': 0,
    changed: 0,
    unchanged: 0,
    missing: 0,
    failed: 0,
  };
  const failed: string[] = [];
  // Each step's claims are cleared together once its accounts are scored (each unless marked again meanwhile).
  const scoreStep = async (step: readonly Planned[], read: HealthInputReader) => {
    const scored: DirtyClaim[] = [];
    await mapLimit(step, PASS_CONCURRENCY, async ({ accountId, reason, dirty, claimed }) => {
      try {
        const input = await read(accountId);
        const outcome = await recomputeAccount(deps, config, accountId, {
          reason,
          baselines,
          dirty,
          ...(claimed ? { claimed, keepClaim: true } : {}),
          ...(input ? { input } : {}),
        });
        if (claimed) scored.push(claimed);
        byStatus[outcome.status] += 1;
        await hooks.afterScoring?.(outcome);
      } catch (error) {
        // One broken account must not stop the pass for all the others; it stays dirty and is reported.
        deps.logger.error('health recompute failed', { accountId, reason, error: String(error) });
        byStatus.failed += 1;
        failed.push(accountId);
      }
    });
    if (scored.length > 0) await clearDirtyMany(deps.db, scored);
  };
  const now = deps.clock.now();
  for (const step of chunk(planned, PASS_STEP)) {
    if (inputs) await scoreStep(step, async (accountId) => inputs.get(accountId));
    else {
      const claimed = await claimPlanned(deps, step, now);
      const ids = claimed.map((plan) => plan.accountId);
      await scoreStep(claimed, healthInputReader(deps.db, config, ids, now));
    }
  }
  return { accounts: planned.length, byStatus, failed: failed.sort() };
}

/** Which of the listed accounts a pass scores, and why: 'daily' every one, 'model-changed' those scored under another model. */
function planPass(
  entries: readonly PortfolioEntry[],
  marks: readonly DirtyMark[],
  scope: 'daily' | 'model-changed',
  current: string,
): Planned[] {
  const dirty = new Map(marks.map((mark) => [mark.accountId, mark]));
  return entries.flatMap(({ accountId, health }): Planned[] => {
    const stale = health?.modelVersion !== current;
    if (scope === 'model-changed' && !stale) return [];
    const mark = dirty.get(accountId);
    const reason: RecomputeReason = stale ? 'model-changed' : mark ? 'dirty' : 'daily';
    return [{ accountId, reason, dirty: mark }];
  });
}

/**
 * Scores every registered account ('daily'), or only those last scored under another model ('model-changed'),
 * against the stored baselines. Dirty markers read at the start are cleared for the accounts scored (each unless
 * marked again meanwhile).
 */
export async function recomputeAll(
  deps: Deps,
  config: Config,
  scope: 'daily' | 'model-changed',
  hooks: PassHooks = {},
): Promise<PassSummary> {
  const [entries, marks, baselines] = await Promise.all([
    listPortfolio(deps.db),
    listDirty(deps.db),
    currentBaselines(deps.db, config, deps.clock.now()),
  ]);
  return recomputeMany(deps, config, planPass(entries, marks, scope, modelVersion(config)), baselines, hooks);
}

/**
 * Baselines learnt again, then every account scored under another model ('model-changed') or every account
 * ('daily'), then the marker that the model is current. Each account is read once: the read that samples it for
 * the baselines is the one it is then scored from (a lost race reads again). The dirty markers are listed and
 * claimed before those reads, which are consistent, so each marker cleared had its data read after its claim.
 */
async function catchUpWithModel(
  deps: Deps,
  config: Config,
  scope: 'daily' | 'model-changed',
  hooks: PassHooks = {},
) {
  const now = deps.clock.now();
  const [entries, marks, stored] = await Promise.all([
    listPortfolio(deps.db),
    listDirty(deps.db),
    currentBaselines(deps.db, config, now),
  ]);
  // The dirty accounts' markers are claimed before the reads below, so each is scored from the read that samples
  // it (store/dirty-store.ts: a read after the claim); a marker gone meanwhile leaves nothing to clear.
  const planned = await claimPlanned(deps, planPass(entries, marks, scope, modelVersion(config)), now);
  const inputs = new Map<string, AccountHealthInput>();
  const samples: CohortSample[] = [];
  const ids = entries.map((entry) => entry.accountId);
  const read = healthInputReader(deps.db, config, ids, now);
  await mapLimit(entries, PASS_CONCURRENCY, async ({ accountId }) => {
    const sampled = await readAndSample(deps, config, accountId, now, stored.feedsSince, read);
    if (sampled?.input) inputs.set(accountId, sampled.input);
    if (sampled?.sample) samples.push(sampled.sample);
  });
  const baselines = await learnBaselines(deps, config, (await hooks.poolSamples?.(samples)) ?? samples, now);
  const pass = await recomputeMany(deps, config, planned, baselines, hooks, inputs);
  await writeModelMarker(deps.db, {
    modelVersion: modelVersion(config),
    completedAt: deps.clock.now().toISOString(),
  });
  return pass;
}

/** The daily pass: baselines learnt again, then every account scored (time decay), then the model marker. */
export function recomputeDaily(deps: Deps, config: Config, hooks: PassHooks = {}): Promise<PassSummary> {
  return catchUpWithModel(deps, config, 'daily', hooks);
}

export interface DirtyPassSummary {
  /** The whole pass run first because the model changed (or never ran); absent when the model was current. */
  modelPass?: PassSummary;
  dirty: PassSummary;
  /** Dirty accounts left for a later call (only with `limit`). */
  remaining: number;
}

export interface DirtyPassOptions extends PassHooks {
  /** Score at most this many dirty accounts (a request path bounds its work); the rest stay dirty. */
  limit?: number;
  /** Whether a model change may start the whole pass here (false on request paths). Default true. */
  followModelChanges?: boolean;
  /** Stop between steps once the invocation's time is up; the accounts not reached stay dirty. */
  budget?: Budget;
}

/** How long a pass's baseline samples are kept (by TTL): far longer than any pass takes. */
const SAMPLES_KEPT_MS = 7 * 86_400_000;

/** An invocation's time: a pass checks it between steps of PASS_STEP accounts. */
export interface Budget {
  exhausted(): boolean;
}

/** Accounts taken together by a long pass (PASS_CONCURRENCY at a time); its cursor moves past all of them. */
export const PASS_STEP = 48;

/** The incremental pass: only accounts marked dirty, after catching up with a model change if there was one. */
export async function recomputeDirty(
  deps: Deps,
  config: Config,
  options: DirtyPassOptions = {},
): Promise<DirtyPassSummary> {
  let modelPass: PassSummary | undefined;
  if (options.followModelChanges ?? true) {
    const marker = await readModelMarker(deps.db);
    if (marker?.modelVersion !== modelVersion(config)) {
      modelPass = await catchUpWithModel(deps, config, 'model-changed', options);
    }
  }
  // Oldest marks first, so that with a limit no account waits behind accounts marked after it.
  const marks = (await listDirty(deps.db)).sort((a, b) =>
    a.markedAt < b.markedAt ? -1 : a.markedAt > b.markedAt ? 1 : 0,
  );
  const chosen = marks.slice(0, options.limit ?? marks.length);
  const baselines = await currentBaselines(deps.db, config, deps.clock.now());
  const planned = chosen.map(
    (mark): Planned => ({ accountId: mark.accountId, reason: 'dirty', dirty: mark }),
  );
  const summaries: PassSummary[] = [];
  let reached = 0;
  for (const step of chunk(planned, options.budget ? PASS_STEP : Math.max(planned.length, 1))) {
    if (options.budget?.exhausted()) break;
    summaries.push(await recomputeMany(deps, config, step, baselines, options));
    reached += step.length;
  }
  const dirty = mergeSummaries(summaries);
  return { ...(modelPass && { modelPass }), dirty, remaining: marks.length - reached };
}

function mergeSummaries(summaries: readonly PassSummary[]): PassSummary {
  const merged: PassSummary = {
    accounts: 0,
    byStatus: { 'first-score': 0, changed: 0, unchanged: 0, missing: 0, failed: 0 },
    failed: [],
  };
  for (const summary of summaries) {
    merged.accounts += summary.accounts;
    for (const [status, n] of Object.entries(summary.byStatus)) {
      merged.byStatus[status as keyof PassSummary['byStatus']] += n;
    }
    merged.failed.push(...summary.failed);
  }
  merged.failed.sort();
  return merged;
}

/**
 * The whole-portfolio pass of the scheduled function, resumable: shard by shard in account order, it samples
 * every account for the baselines (storing the samples), learns and stores the baselines, then scores every
 * account (each through recomputeAccount, as every pass does), and finally records that the model is current. It
 * stops between steps when `budget` is exhausted and returns the run to save (`done` false); the next invocation
 * continues it from there. The run's `counts` say how many accounts were scored, by outcome.
 */
export async function continueWholePass(
  deps: Deps,
  config: Config,
  start: PassRun,
  budget: Budget,
  hooks: PassHooks = {},
): Promise<{ done: boolean; run: PassRun }> {
  const run = { ...start, counts: { ...start.counts } };
  const now = deps.clock.now();
  const samplesExpire = new Date(now.getTime() + SAMPLES_KEPT_MS);
  const current = modelVersion(config);
  if (run.phase === 'sample') {
    const { feedsSince } = await currentBaselines(deps.db, config, now);
    for (; run.shard < SHARD_COUNT; run.shard++, run.after = undefined, run.chunks = 0) {
      const entries = await listPortfolioShard(deps.db, run.shard, run.after);
      let buffer: CohortSample[] = [];
      const flush = async () => {
        if (!buffer.length) return;
        await putSampleChunk(deps.db, run.runId, run.shard, run.chunks, buffer, samplesExpire);
        run.chunks += 1;
        buffer = [];
      };
      for (const step of chunk(entries, PASS_STEP)) {
        if (budget.exhausted()) {
          await flush();
          return { done: false, run };
        }
        const ids = step.map((entry) => entry.accountId);
        buffer.push(...(await sampleAccounts(deps, config, ids, now, feedsSince)));
        run.after = step[step.length - 1]?.accountId;
        if (buffer.length >= SAMPLES_PER_CHUNK) await flush();
      }
      await flush();
    }
    await learnBaselines(deps, config, await readSamples(deps.db, run.runId), now);
    Object.assign(run, { phase: 'score', shard: 0, after: undefined, chunks: 0 });
    if (budget.exhausted()) return { done: false, run };
  }
  const baselines = await currentBaselines(deps.db, config, now);
  const marks = await listDirty(deps.db);
  for (; run.shard < SHARD_COUNT; run.shard++, run.after = undefined) {
    const entries = await listPortfolioShard(deps.db, run.shard, run.after);
    for (const step of chunk(entries, PASS_STEP)) {
      if (budget.exhausted()) return { done: false, run };
      const planned = planPass(step, marks, run.scope, current);
      const summary = await recomputeMany(deps, config, planned, baselines, hooks);
      run.counts.accounts = (run.counts.accounts ?? 0) + summary.accounts;
      for (const [status, n] of Object.entries(summary.byStatus)) {
        run.counts[status] = (run.counts[status] ?? 0) + n;
      }
      run.after = step[step.length - 1]?.accountId;
    }
  }
  await writeModelMarker(deps.db, { modelVersion: current, completedAt: deps.clock.now().toISOString() });
  return { done: true, run };
}

/** A whole-portfolio pass not yet begun: `daily` scores every account, `model-changed` the stale ones. */
export function newWholePass(runId: string, scope: PassRun['scope'], config: Config, now: Date): PassRun {
  return {
    runId,
    scope,
    modelVersion: modelVersion(config),
    startedAt: now.toISOString(),
    phase: 'sample',
    shard: 0,
    chunks: 0,
    counts: {},
  };
}
