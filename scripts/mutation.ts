import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { startDynamoDbLocal } from '#local/dynamodb-local';

/**
 * `npm run test:mutation [-- stryker options]`: Stryker over core/ and store/ (stryker.config.mjs), with one
 * DynamoDB Local for the whole run. Stryker's test runners would otherwise each start their own through the global
 * setup, again whenever Stryker restarts one. Each test file still makes its own table.
 * Stryker runs the tests in a copy of the repository under .stryker-tmp/, so the vendor corpora, which tests find
 * at ../shared/corpora from the working directory, are named by their real place.
 */
const dynamo = await startDynamoDbLocal();
const stryker = spawn('npx', ['--no-install', 'stryker', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    CHURNGUARD_TEST_DYNAMODB_ENDPOINT: dynamo.endpoint,
    CHURNGUARD_CORPORA_DIR: process.env.CHURNGUARD_CORPORA_DIR ?? path.resolve('../shared/corpora'),
  },
});
const [code] = await once(stryker, 'exit');
await dynamo.stop();
process.exitCode = typeof code === 'number' ? code : 1;
