import { seededRandom } from '#core/simulation/random';
import type { MutantStatus } from './mutation-report.ts';

/**
 * A sampled mutation score (`npm run test:mutation:sample`): a seeded uniform sample, without replacement, of the
 * mutants Stryker generates over core/ and store/, each named by its exact place so Stryker can be told to mutate
 * only that range, and the share detected with its 95% Wilson interval.
 */

/** Where Stryker's instrumenter puts a mutant: lines and columns counted from 0. */
export interface MutantPlace {
  fileName: string;
  mutatorName: string;
  replacement?: string | undefined;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/**
 * `size` distinct indexes of `0..population-1`, each set equally likely, the same for the same seed (a partial
 * Fisher-Yates shuffle), in the order drawn: every prefix is itself a uniform sample, so the batches done of a run
 * stopped early still estimate the whole, with a wider interval.
 */
export function sampleIndexes(population: number, size: number, seed: number): number[] {
  if (!Number.isInteger(size) || size < 0)
    throw new Error(`sample size must be a whole number ≥ 0, not ${size}`);
  const random = seededRandom(seed);
  const indexes = Array.from({ length: population }, (_, index) => index);
  const taken = Math.min(size, population);
  for (let position = 0; position < taken; position += 1) {
    const swapWith = position + Math.floor(random() * (population - position));
    const chosen = indexes[swapWith] as number;
    indexes[swapWith] = indexes[position] as number;
    indexes[position] = chosen;
  }
  return indexes.slice(0, taken);
}

/**
 * The `--mutate` entry for one mutant: Stryker reads `file:line:column-line:column` with lines from 1 and columns
 * as the instrumenter counts them (from 0), and mutates every node inside the range, so the nodes nested in a
 * sampled one (a block's statements) are run too; only the sampled mutant counts.
 */
export function mutateRange({ fileName, location: { start, end } }: MutantPlace): string {
  return `${fileName}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`;
}

/** A mutant's identity in Stryker's JSON report, whose lines and columns count from 1. */
export function reportKey(
  fileName: string,
  mutant: {
    mutatorName: string;
    replacement?: string | undefined;
    location: { start: { line: number; column: number }; end: { line: number; column: number } };
  },
): string {
  const { start, end } = mutant.location;
  return [
    fileName,
    `${start.line}:${start.column}-${end.line}:${end.column}`,
    mutant.mutatorName,
    mutant.replacement ?? '',
  ].join('\u0000');
}

/** The report key of an instrumenter mutant (0-based) as the report will write it. */
export function sampledKey(mutant: MutantPlace): string {
  const { start, end } = mutant.location;
  return reportKey(mutant.fileName, {
    ...mutant,
    location: {
      start: { line: start.line + 1, column: start.column + 1 },
      end: { line: end.line + 1, column: end.column + 1 },
    },
  });
}

/**
 * Where batch `index` (from 0) of a seeded sample keeps its result. A larger sample with the same seed draws the same
 * mutants first, so its batch n holds the same mutants as a smaller one's: the name leaves out the sample size, and a
 * larger run finds the batches a smaller one kept (a last batch cut short by a smaller sample is rerun whole, as its
 * report lacks the mutants it now holds). The same seed over a population of another size (code added or removed in
 * core/ or store/) draws other mutants, so the name holds the population size: a new draw never overwrites the
 * results kept for the old one.
 */
export function sampleBatchName(seed: number, population: number, batchSize: number, index: number): string {
  return `sample/seed-${seed}-of-${population}-batch-${batchSize}/${index + 1}`;
}

/** The sample cut into runs of at most `size`, in order, so that each run is one resumable Stryker run. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`batch size must be a whole number ≥ 1, not ${size}`);
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * The Wilson score interval of a binomial proportion (z = 1.96 for 95%): unlike the normal approximation it stays
 * inside [0, 1] and is honest near 0% and 100%, where mutation scores live.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96) {
  if (trials <= 0) return undefined;
  if (successes < 0 || successes > trials) throw new Error(`${successes} successes out of ${trials} trials`);
  const share = successes / trials;
  const zSquared = z * z;
  const centre = (share + zSquared / (2 * trials)) / (1 + zSquared / trials);
  const halfWidth =
    (z / (1 + zSquared / trials)) *
    Math.sqrt((share * (1 - share)) / trials + zSquared / (4 * trials * trials));
  // At 0 or all, the bound on that side is exactly 0 or 1; floating point would leave it a hair inside.
  return {
    share,
    low: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}

/** The statuses of the sampled mutants found so far, and the keys of those with no result yet. */
export function sampledStatuses(sampledKeys: readonly string[], results: ReadonlyMap<string, MutantStatus>) {
  const statuses: MutantStatus[] = [];
  const pending: string[] = [];
  for (const key of sampledKeys) {
    const status = results.get(key);
    if (status === undefined || status === 'Pending') pending.push(key);
    else statuses.push(status);
  }
  return { statuses, pending };
}
