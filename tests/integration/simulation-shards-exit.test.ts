import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cg-shards-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a sharded simulation in its own process', () => {
  it('lets the process exit once the result is in (its threads are let go)', async () => {
    const shards = pathToFileURL(resolve('local/simulation/shards.ts')).href;
    const script = join(dir, 'run.mjs');
    writeFileSync(
      script,
      `const { runShardedSimulation } = await import(${JSON.stringify(shards)});
const result = await runShardedSimulation({ accounts: 8, days: 3, seed: 1 }, 2);
process.stdout.write(String(result.accounts.length));
`,
    );
    // Before, each thread kept listening for baselines and the process never ended: the timeout kills it.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 240_000 });
    expect(stdout).toBe('8');
  }, 300_000);
});
