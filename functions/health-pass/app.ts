import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { defaultConfig } from '#config/default';
import { modelVersion } from '#core/health/model-version';
import { readModelMarker } from '#store/baseline-store';
import {
  finishPassRun,
  type PassRun,
  readPassRun,
  releasePassLease,
  savePassRun,
  takePassLease,
} from '#store/health-pass-store';
import { useCaseDeps } from '#usecases/account-view';
import { riskDetection } from '#usecases/risk-triggers';
import {
  type Budget,
  continueWholePass,
  newWholePass,
  type PassHooks,
  type PassSummary,
  recomputeDirty,
} from '../shared/health/recompute-portfolio.ts';
import type { Deps } from '../shared/runtime.ts';

/** What a schedule sends: `dirty` every few minutes, `daily` once a day. */
export const healthPassInput = z.strictObject({ pass: z.enum(['dirty', 'daily']) });

/** The part of Lambda's context the pass reads: its remaining time, and the request id that holds the lease. */
export interface PassContext {
  getRemainingTimeInMillis(): number;
  awsRequestId: string;
}

/** Time kept back from the function's timeout: for the step in flight and saving the run. */
export const BUDGET_MARGIN_MS = 3 * 60_000;
/** How long the lease holds: past the function's 15-minute timeout, so a crashed run frees it soon after. */
export const LEASE_MS = 16 * 60_000;

const counts = (summary: PassSummary) => ({ accounts: summary.accounts, ...summary.byStatus });

export interface HealthPassOptions {
  /** The invocation's time budget; Lambda's remaining time less BUDGET_MARGIN_MS by default, none without one. */
  budget?: (context?: PassContext) => Budget;
}

const lambdaBudget = (context?: PassContext): Budget => ({
  exhausted: () => (context ? context.getRemainingTimeInMillis() < BUDGET_MARGIN_MS : false),
});

/**
 * Keeps stored health current without anyone reading the portfolio, for any number of accounts:
 * - One invocation at a time: each takes a lease first (an invocation that finds it held does nothing), and the
 *   function's concurrency is reserved to one.
 * - A whole-portfolio pass (`daily`, or after a model change) is taken as far as the invocation's time allows and
 *   saved; every later invocation continues it (the dirty schedule every 15 minutes) until it is done. It learns
 *   each segment's baselines from every account, then scores every account.
 * - Then, time allowing, the accounts marked dirty by ingest or a profile change, oldest first.
 * - After each account is scored, risk detection reads the new score: a risk check is started when it would open,
 *   note or close a risk (usecases/risk-triggers.ts).
 * Failed accounts are logged by the pass and stay dirty for the next run.
 */
export function createHealthPassHandler(deps: Deps, options: HealthPassOptions = {}) {
  const config = deps.config ?? defaultConfig;
  const hooks = riskDetection(useCaseDeps(deps));
  return async (event: unknown, context?: PassContext) => {
    const { pass } = healthPassInput.parse(event);
    const budget = (options.budget ?? lambdaBudget)(context);
    const holder = context?.awsRequestId ?? randomUUID();
    const now = deps.clock.now();
    if (!(await takePassLease(deps.db, holder, now, new Date(now.getTime() + LEASE_MS)))) {
      deps.logger.info('health pass skipped: the previous one is still running', { pass });
      return { pass, skipped: 'another health pass is running' };
    }
    let result: Awaited<ReturnType<typeof runPass>>;
    try {
      result = await runPass(deps, config, pass, budget, holder, hooks);
    } finally {
      await releasePassLease(deps.db, holder);
    }
    const failed = failedAccounts(result);
    if (failed > 0) {
      deps.metrics?.count({ HealthAccountsFailed: failed });
      throw new HealthPassIncomplete(failed, result);
    }
    return result;
  };
}

/**
 * A pass that scored every account it could but not all: each failure is logged with its account, the accounts
 * stay dirty for the next run, and the invocation fails so that the function's error alarm and the schedule's retry
 * see it (a pass that returned success would hide an account that can never be scored).
 */
export class HealthPassIncomplete extends Error {
  constructor(
    readonly failed: number,
    readonly result: Record<string, unknown>,
  ) {
    super(
      `health pass: ${failed} account(s) could not be scored (each logged); they stay dirty for the next run`,
    );
    this.name = 'HealthPassIncomplete';
  }
}

/** Accounts this invocation failed to score: of the dirty pass, and of a whole pass it finished. */
function failedAccounts(result: Record<string, unknown>): number {
  const of = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as { failed?: unknown }).failed === 'number'
      ? (value as { failed: number }).failed
      : 0;
  return of(result) + of(result.dailyPass) + of(result.modelPass);
}

async function runPass(
  deps: Deps,
  config: typeof defaultConfig,
  pass: 'dirty' | 'daily',
  budget: Budget,
  runId: string,
  hooks: PassHooks,
) {
  const now = deps.clock.now();
  let run: PassRun | undefined = await readPassRun(deps.db);
  if (!run && pass === 'daily') run = newWholePass(runId, 'daily', config, now);
  if (!run && (await readModelMarker(deps.db))?.modelVersion !== modelVersion(config)) {
    run = newWholePass(runId, 'model-changed', config, now);
  }
  let whole: Record<string, number> | undefined;
  if (run) {
    const progress = await continueWholePass(deps, config, run, budget, hooks);
    const done = { accounts: 0, ...progress.run.counts };
    if (!progress.done) {
      await savePassRun(deps.db, progress.run);
      const at = { scope: run.scope, phase: progress.run.phase, shard: progress.run.shard };
      deps.logger.info('whole health pass continues in the next run', { ...at, ...done });
      return { pass, continues: { ...at, ...done } };
    }
    await finishPassRun(deps.db);
    deps.logger.info(`${run.scope} health pass done`, done);
    if (run.scope === 'daily' && pass === 'daily') return { pass, ...done };
    whole = done;
    if (budget.exhausted()) return { pass, [run.scope === 'daily' ? 'dailyPass' : 'modelPass']: done };
  }
  const { dirty, remaining } = await recomputeDirty(deps, config, {
    followModelChanges: false,
    budget,
    ...hooks,
  });
  deps.logger.info('dirty health pass', { ...counts(dirty), remaining });
  return {
    pass,
    ...counts(dirty),
    remaining,
    ...(run && whole ? { [run.scope === 'daily' ? 'dailyPass' : 'modelPass']: whole } : {}),
  };
}
