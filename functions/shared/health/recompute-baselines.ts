import type { Config } from '#config/schema';
import { baselinesFromSamples, type CohortSample, cohortSample } from '#core/health/baselines';
import type { FeedsSince } from '#core/health/feeds';
import { type AccountHealthInput, scoringInput } from '#core/health/next-health';
import type { Baselines } from '#core/health/types';
import { writeBaselines } from '#store/baseline-store';
import { mapLimit } from '#store/parallel';
import { listPortfolio } from '#store/portfolio-store';
import type { Deps } from '../runtime.ts';
import { currentBaselines } from './baselines.ts';
import { type HealthInputReader, healthInputReader } from './load.ts';

/** Accounts read at once by a whole-portfolio pass. */
export const PASS_CONCURRENCY = 8;

/**
 * Learns each segment's baseline from its healthy accounts (core/health/cohort.ts) and stores it. Streams the
 * portfolio: each account is read, reduced to its baseline sample, and let go, so memory stays flat. Eventually
 * consistent reads are enough here: a baseline is a median over many accounts.
 */
export async function recomputeBaselines(deps: Deps, config: Config): Promise<Baselines> {
  return learnBaselines(deps, config, await collectCohortSamples(deps, config), deps.clock.now());
}

/** Every healthy account's contribution to its segment's baseline. */
async function collectCohortSamples(deps: Deps, config: Config): Promise<CohortSample[]> {
  const now = deps.clock.now();
  const [entries, stored] = await Promise.all([
    listPortfolio(deps.db),
    currentBaselines(deps.db, config, now),
  ]);
  return sampleAccounts(
    deps,
    config,
    entries.map((entry) => entry.accountId),
    now,
    stored.feedsSince,
  );
}

/**
 * The baseline samples of these accounts (those healthy), read PASS_CONCURRENCY at a time by one reader, so their
 * profiles and health come ACCOUNTS_PER_READ to a request (load.ts), eventually consistent.
 */
export async function sampleAccounts(
  deps: Deps,
  config: Config,
  accountIds: readonly string[],
  now: Date,
  feedsSince: FeedsSince | undefined,
): Promise<CohortSample[]> {
  const read = healthInputReader(deps.db, config, accountIds, now, false);
  const samples = await mapLimit(accountIds, PASS_CONCURRENCY, (accountId) =>
    sampleAccount(deps, config, accountId, now, feedsSince, read),
  );
  return samples.filter((sample): sample is CohortSample => sample !== null);
}

/**
 * One account's contribution to its segment's baseline, or null (not healthy, or gone), read with the days the
 * portfolio's feeds began as the stored baselines know them. An account that cannot be read is left out of the
 * cohort, and logged, rather than stopping every segment's baseline. Eventually consistent reads, unless `read`
 * (a pass's reader of many accounts, load.ts) says otherwise.
 */
export async function sampleAccount(
  deps: Deps,
  config: Config,
  accountId: string,
  now: Date,
  feedsSince: FeedsSince | undefined,
  read: HealthInputReader = healthInputReader(deps.db, config, [accountId], now, false),
): Promise<CohortSample | null> {
  return (await readAndSample(deps, config, accountId, now, feedsSince, read))?.sample ?? null;
}

/**
 * An account's health input with its baseline sample (null when not healthy), read by `read` (load.ts), for a pass
 * that scores the account from the same read; undefined when the account is gone or cannot be read (logged: it is left out of the cohort).
 */
export async function readAndSample(
  deps: Deps,
  config: Config,
  accountId: string,
  now: Date,
  feedsSince: FeedsSince | undefined,
  read: HealthInputReader,
): Promise<{ input: AccountHealthInput; sample: CohortSample | null } | undefined> {
  try {
    const input = await read(accountId);
    return input && { input, sample: cohortSample(config, scoringInput(input, now, feedsSince), now) };
  } catch (error) {
    deps.logger.error('account left out of the baselines', { accountId, error: String(error) });
    return undefined;
  }
}

/** The baselines learnt from a portfolio's samples, stored. */
export async function learnBaselines(
  deps: Deps,
  config: Config,
  samples: readonly CohortSample[],
  now: Date,
): Promise<Baselines> {
  // In a canonical order: means summed in another order differ in the last bits, and the accounts' scores with them.
  const ordered = samples
    .map((sample) => ({ sample, key: JSON.stringify(sample) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ sample }) => sample);
  const baselines = baselinesFromSamples(config, ordered, now);
  await writeBaselines(deps.db, baselines);
  deps.logger.info('baselines recomputed', {
    modelVersion: baselines.modelVersion,
    cohorts: Object.fromEntries(Object.values(baselines.segments).map((s) => [s.segment, s.cohortSize])),
  });
  return baselines;
}
