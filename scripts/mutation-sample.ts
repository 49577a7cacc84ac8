import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import {
  isCurrent,
  type MutantStatus,
  mutationScores,
  partReportPath,
  readPartReport,
  tallyStatuses,
} from './mutation-report.ts';
import { loadNow, mutableFiles, runStryker, startMutationEnvironment } from './mutation-runner.ts';
import {
  batches,
  type MutantPlace,
  mutateRange,
  reportKey,
  sampleBatchName,
  sampledKey,
  sampledStatuses,
  sampleIndexes,
  wilsonInterval,
} from './mutation-sampling.ts';

/**
 * `npm run test:mutation:sample -- --mutants 300 --seed 1`: the mutation score of all of core/ and store/ estimated
 * from a seeded uniform sample of the mutants Stryker generates there (its own instrumenter lists them), with a 95%
 * Wilson interval, in bounded time. The sample runs in batches (`--batch`, 20 by default; resume with the same
 * one), each one Stryker run (stryker.sample.config.mjs) told to mutate only the sampled mutants, its result kept in
 * bench/mutation/sample/seed-<seed>-of-<population>-batch-<batch size>/<n>.json, so a stopped run resumes at the batch it lost and a
 * larger sample with the same seed and batch size reuses the batches a smaller one kept (its draw begins the same).
 *   --score   print the estimate from the batches kept, without running anything
 *   --plan    print the sampled mutants and their batches, without running anything
 * Other options go to Stryker.
 */
const { values: options, tokens } = parseArgs({
  options: {
    mutants: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '20' },
    score: { type: 'boolean' },
    plan: { type: 'boolean' },
  },
  strict: false,
  tokens: true,
});
const size = wholeNumber('mutants', options.mutants);
const seed = wholeNumber('seed', options.seed);
const batchSize = wholeNumber('batch', options.batch);
const own = new Set(['mutants', 'seed', 'batch', 'score', 'plan']);
const strykerOptions = (tokens ?? []).flatMap((token) =>
  token.kind === 'option' && !own.has(token.name)
    ? [token.rawName, ...(token.value === undefined ? [] : [token.value])]
    : token.kind === 'positional'
      ? [token.value]
      : [],
);

const population = await allMutants();
const sample = sampleIndexes(population.length, size, seed).map((index) => population[index] as MutantPlace);
const runs = batches(sample, batchSize).map((mutants, index) => ({
  name: sampleBatchName(seed, population.length, batchSize, index),
  mutants,
  files: [...new Set(mutants.map((mutant) => mutant.fileName))],
}));
console.log(
  `${sample.length} of ${population.length} mutants of core/ and store/ (seed ${seed}), in ${runs.length} batches of ${batchSize}`,
);

if (options.plan) {
  for (const run of runs) console.log(`${run.name}: ${run.mutants.map(mutateRange).join(', ')}`);
} else if (!options.score) {
  const { env, stop } = await startMutationEnvironment();
  try {
    for (const run of runs) {
      if (isDone(run)) continue;
      const started = Date.now();
      console.log(
        `\n== ${run.name} (${run.files.length} files), load ${loadNow()}, ${new Date().toISOString()}`,
      );
      mkdirSync(path.dirname(partReportPath(run.name)), { recursive: true });
      const code = await runStryker(
        ['stryker.sample.config.mjs', '--mutate', run.mutants.map(mutateRange).join(','), ...strykerOptions],
        {
          ...env,
          CHURNGUARD_MUTATION_PART: run.name,
          CHURNGUARD_MUTATION_SAMPLE: JSON.stringify(
            run.mutants.map(({ fileName, location }) => ({ fileName, location })),
          ),
        },
      );
      console.log(`== ${run.name} in ${((Date.now() - started) / 60_000).toFixed(1)} min, load ${loadNow()}`);
      if (code !== 0) {
        process.exitCode = code;
        break;
      }
    }
  } finally {
    await stop();
  }
}
if (!options.plan) printEstimate();

async function allMutants(): Promise<MutantPlace[]> {
  const quiet = () => false;
  const logger = {
    isTraceEnabled: quiet,
    isDebugEnabled: quiet,
    isInfoEnabled: quiet,
    isWarnEnabled: () => true,
    isErrorEnabled: () => true,
    isFatalEnabled: () => true,
    trace() {},
    debug() {},
    info() {},
    warn: console.warn,
    error: console.error,
    fatal: console.error,
  };
  const files = mutableFiles().map((name) => ({
    name,
    content: readFileSync(name, 'utf8'),
    mutate: true as const,
  }));
  const { mutants } = await new Instrumenter(logger).instrument(files, {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
  });
  return [...mutants];
}

function isDone(run: (typeof runs)[number]) {
  const report = readPartReport(run.name);
  if (!report || !isCurrent(report, run.files)) return false;
  return sampledStatuses(run.mutants.map(sampledKey), resultsOf([run.name])).pending.length === 0;
}

function resultsOf(names: readonly string[]) {
  const results = new Map<string, MutantStatus>();
  for (const name of names) {
    const report = readPartReport(name);
    if (!report) continue;
    for (const [fileName, file] of Object.entries(report.files)) {
      for (const mutant of file.mutants) results.set(reportKey(fileName, mutant), mutant.status);
    }
  }
  return results;
}

function printEstimate() {
  const done = runs.filter(isDone);
  const results = resultsOf(done.map((run) => run.name));
  const { statuses, pending } = sampledStatuses(sample.map(sampledKey), results);
  const counts = tallyStatuses(statuses);
  const { detected, valid, score, coveredScore } = mutationScores(counts);
  const interval = wilsonInterval(detected, valid);
  const percent = (value: number | undefined) => (value === undefined ? 'n/a' : (100 * value).toFixed(1));
  console.log(
    `\nBatches done: ${done.length} of ${runs.length}; sampled mutants with a result: ${statuses.length}, still to run: ${pending.length}`,
  );
  console.log(
    '| killed | timeout | survived | no coverage | ignored (static) | compile/runtime error | sampled score | 95% Wilson interval | score of covered |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${counts.Killed} | ${counts.Timeout} | ${counts.Survived} | ${counts.NoCoverage} | ${counts.Ignored} | ${counts.CompileError + counts.RuntimeError} | ${percent(interval?.share)} (${detected} of ${valid}) | ${percent(interval?.low)}–${percent(interval?.high)} | ${coveredScore === undefined ? 'n/a' : coveredScore.toFixed(1)} |`,
  );
  if (score === undefined) console.log('No sampled mutant has a result yet.');
  for (const mutant of sample) {
    const status = results.get(sampledKey(mutant));
    if (status === 'Survived' || status === 'NoCoverage') {
      const { line, column } = mutant.location.start;
      console.log(
        `${status}: ${mutant.fileName}:${line + 1}:${column + 1} ${mutant.mutatorName} → ${mutant.replacement ?? ''}`,
      );
    }
  }
}

function wholeNumber(name: string, value: string | boolean | undefined) {
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a whole number, not ${String(value)}`);
    process.exit(1);
  }
  return parsed;
}
