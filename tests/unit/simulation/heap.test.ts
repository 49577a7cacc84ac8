import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rerunWithLargerHeap } from '#cli/heap';

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CHURNGUARD_HEAP_RAISED: '' },
  });

describe('simulation heap', () => {
  it('leaves small runs in this process', () => {
    expect(rerunWithLargerHeap(1000 * 365)).toBeUndefined();
  });

  it('runs a 10,000-account year in a child Node with a larger heap, passing its exit code through', () => {
    // The child fails fast on the missing config, so the test shows the re-run without simulating a year.
    const run = cli('simulate', '--synthetic', '10000', '--days', '365', '--config', 'no-such-config.json');
    expect(run.stderr).toMatch(
      /3,650,000 account-days need more than Node's default heap; running with --max-old-space-size=\d+/,
    );
    expect(run.stderr).toContain('no-such-config.json');
    expect(run.status).toBe(1);
  });
});
