import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal } from '#local/dynamodb-local';

/**
 * What every mutation command shares: the files mutated (every .ts of core/ and store/), the environment the tests
 * need, and one Stryker run. One DynamoDB Local serves a whole command (Stryker's test runners would otherwise each
 * start their own through the global setup, again whenever Stryker restarts one). Stryker runs the tests in a copy of
 * the repository under .stryker-tmp/, so the vendor corpora, which tests find at ../shared/corpora from the working
 * directory, are named by their real place.
 */
export function mutableFiles(): string[] {
  return ['core', 'store']
    .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

export async function startMutationEnvironment() {
  const dynamo = await startDynamoDbLocal();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHURNGUARD_TEST_DYNAMODB_ENDPOINT: dynamo.endpoint,
    CHURNGUARD_CORPORA_DIR: process.env.CHURNGUARD_CORPORA_DIR ?? path.resolve('../shared/corpora'),
  };
  return { env, stop: () => dynamo.stop() };
}

export async function runStryker(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn('npx', ['--no-install', 'stryker', 'run', ...args], { stdio: 'inherit', env });
  const [code] = await once(child, 'exit');
  return typeof code === 'number' ? code : 1;
}

/** The machine's one-minute load average, as `uptime` shows it. */
export function loadNow() {
  const [oneMinute = 0] = os.loadavg();
  return oneMinute.toFixed(1);
}
