import { defineConfig } from 'vitest/config';

/**
 * Two projects: every test against DynamoDB Local, and the suites that exercise the store run again against the
 * in-memory store adapter (store/memory/), which has to pass the same tests to be trusted with backtests.
 * Suites that start processes of their own (CLI, scripts, the whole local stack) only run on DynamoDB Local.
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'dynamodb', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'memory',
          include: ['tests/integration/**/*.test.ts', 'tests/workflows/**/*.test.ts'],
          exclude: [
            'tests/integration/health-cli.test.ts',
            'tests/integration/journeys-cli.test.ts',
            'tests/integration/create-api-key.test.ts',
          ],
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CHURNGUARD_STORE: 'memory' },
        },
      },
    ],
  },
});
