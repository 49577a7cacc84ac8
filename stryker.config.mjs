// @ts-check
import path from 'node:path';

// Tests read vendor corpora from ../shared/corpora relative to the working directory; Stryker runs them in a copy
// of the repository under .stryker-tmp/, so point them at the real place (tests/support/corpora.ts reads this).
process.env.CHURNGUARD_CORPORA_DIR ??= path.resolve('../shared/corpora');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
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
