import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The suite as Stryker runs it (`npm run test:mutation`, stryker.config.mjs): only the tests that exercise core/ and
 * store/ in this process. Left out, because each would run again for almost every mutant and make a run take hours:
 * the recorded scoring fixture (14 s, one test), the year-long simulations (about 100 s each) and suites that spawn
 * a CLI or the local stack, whose code runs in another process where Stryker cannot see what they cover.
 * The integration and workflow suites run on the in-memory store adapter, so its mutants meet them too; the unit
 * and store suites keep DynamoDB Local (global setup), which tests/store compares the adapter with.
 */
const slowOrOutOfProcess = [
  'tests/unit/health/scoring-fixture.test.ts',
  'tests/unit/simulation/heap.test.ts',
  'tests/integration/simulation.test.ts',
  'tests/integration/simulation-shards.test.ts',
  'tests/integration/simulation-seeds.test.ts',
  'tests/integration/health-cli.test.ts',
  'tests/integration/journeys-cli.test.ts',
  'tests/integration/create-api-key.test.ts',
];

/** Suites that read the mail SES local accepted (aws-ses-v2-local keeps one store per process). */
const readSesInbox = [
  'tests/integration/digest-currency.test.ts',
  'tests/workflows/review-programme.test.ts',
  'tests/workflows/risk-follows-customer.test.ts',
  'tests/workflows/journey-nudges.test.ts',
  'tests/workflows/journey-brand.test.ts',
  'tests/workflows/runtime.test.ts',
  'tests/workflows/renewal-countdown.test.ts',
];

const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FUZZ_RUNS: '200' };

/**
 * Stryker's vitest runner asks for worker threads. On Node 20 a worker thread that ends while one of its HTTP
 * servers is still parsing a request aborts the whole runner process ("v8::ToLocalChecked Empty MaybeLocal", seen in
 * tests/integration/import-faults.test.ts), so every project runs in child processes, as `npm test` does.
 */
const inChildProcesses: Plugin = {
  name: 'churnguard-mutation-forks',
  configureVitest({ project }) {
    project.config.pool = 'forks';
  },
};

export default defineConfig({
  plugins: [inChildProcesses],
  test: {
    // Each mutant reruns the tests that cover it, often in 20 files or more; loading the app again for every file
    // was half the time of a run (dry run: 195 s in tests, 203 s around them). Each suite makes its own table, so
    // the files of a project share one process and its modules; only the suites reading SES local's inbox, whose
    // store is one per process, keep a process each (project `memory-inbox`).
    isolate: false,
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-store',
          include: ['tests/unit/**/*.test.ts', 'tests/store/**/*.test.ts'],
          exclude: slowOrOutOfProcess,
        },
      },
      {
        extends: true,
        test: {
          name: 'memory',
          include: ['tests/integration/**/*.test.ts', 'tests/workflows/**/*.test.ts'],
          exclude: [...slowOrOutOfProcess, ...readSesInbox],
          env: { ...env, CHURNGUARD_STORE: 'memory' },
        },
      },
      {
        extends: true,
        test: {
          name: 'memory-inbox',
          include: readSesInbox,
          isolate: true,
          env: { ...env, CHURNGUARD_STORE: 'memory' },
        },
      },
    ],
  },
});
