// @ts-check
// The pure core against its unit tests only (`npm run test:mutation:core`): each mutant reruns
// a few in-process unit tests instead of the integration suites, so a part of core/ finishes on two shared cores.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-core.config.ts' },
  htmlReporter: { fileName: 'reports/mutation-core/mutation.html' },
  incrementalFile: 'reports/mutation-core/incremental.json',
};
