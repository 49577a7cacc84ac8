import { defineConfig } from 'vitest/config';

/**
 * The unit suite as `stryker.core.config.mjs` runs it: in-process tests of core/ only, without the recorded scoring
 * fixture (one 14 s test that would rerun for almost every health mutant).
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FUZZ_RUNS: '200' },
    include: ['tests/unit/**/*.test.ts'],
    exclude: ['tests/unit/health/scoring-fixture.test.ts', 'tests/unit/simulation/heap.test.ts'],
  },
});
