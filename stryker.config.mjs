// @ts-check
// Run through `npm run test:mutation` (scripts/mutation.ts), which starts the DynamoDB Local the tests share and runs
// core/ and store/ part by part (scripts/mutation-parts.ts), naming the part in CHURNGUARD_MUTATION_PART.

const part = process.env.CHURNGUARD_MUTATION_PART;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // A mutant that runs only while modules load (a constant, a schema) is covered by no test in particular, and
  // would need the whole suite once per mutant; such mutants are counted as ignored, not tested.
  ignoreStatic: true,
  mutate: ['core/**/*.ts', 'store/**/*.ts'],
  ignorePatterns: ['cdk.out', '.churnguard', 'coverage', '.bench-tmp', 'reports', 'bench/mutation'],
  // Two cores shared by several sessions: one test runner.
  concurrency: 1,
  // A mutant's tests take 2-20 s on a loaded machine: allow for a slow moment before calling it an endless loop.
  timeoutMS: 20_000,
  // The first run of every covering test, with coverage, takes 5-10 min for a part the integration suites reach.
  dryRunTimeoutMinutes: 45,
  // Each part's result is kept (and committed) so that a later run retests only what changed and a part done stays
  // done; the incremental file is Stryker's full JSON report of the part.
  incremental: true,
  incrementalFile: part ? `bench/mutation/${part}.json` : 'reports/mutation/incremental.json',
  reporters: ['progress', 'clear-text', 'html'],
  htmlReporter: { fileName: `reports/mutation/${part ?? 'mutation'}.html` },
  clearTextReporter: { allowColor: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
