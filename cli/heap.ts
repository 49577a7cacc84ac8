import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

const RAISED = 'CHURNGUARD_HEAP_RAISED';
/** Above this many account-days a run may outgrow Node's default heap (~4 GB): 1,000 x 365 peaks near 2 GB. */
const LARGE_RUN_ACCOUNT_DAYS = 1_000_000;

/**
 * A simulation keeps the whole table in memory, so a large synthetic run (10,000 accounts over a year) needs more
 * heap than Node gives by default. Runs this same command once more in a child Node allowed three quarters of the
 * machine's memory, and returns the child's exit code; undefined when the run is small, the heap is already large
 * enough, or this is that child.
 */
export function rerunWithLargerHeap(accountDays: number): number | undefined {
  if (accountDays < LARGE_RUN_ACCOUNT_DAYS || process.env[RAISED]) return undefined;
  const wantedMb = Math.floor((totalmem() / 2 ** 20) * 0.75);
  if (getHeapStatistics().heap_size_limit / 2 ** 20 >= wantedMb * 0.9) return undefined;
  process.stderr.write(
    `churnguard: ${accountDays.toLocaleString('en-US')} account-days need more than Node's default heap; ` +
      `running with --max-old-space-size=${wantedMb}\n`,
  );
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${wantedMb}`, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [RAISED]: '1' } },
  );
  if (child.error) throw child.error;
  return child.status ?? 1;
}
