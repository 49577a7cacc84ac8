// @ts-check
// Run through `npm run test:mutation` (scripts/mutation.ts), which starts the DynamoDB Local the tests share.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // A mutant that runs only while modules load (a constant, a schema) is covered by no test in particular, and
  // would need the whole suite once per mutant; such mutants are counted as ignored, not tested.
  ignoreStatic: true,
  mutate: ['core/**/*.ts', 'store/**/*.ts'],
  ignorePatterns: ['cdk.out', '.churnguard', 'coverage', '.bench-tmp', 'reports'],
  // Two shared cores: one test runner per core.
  concurrency: 2,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
