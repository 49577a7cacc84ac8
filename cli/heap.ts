import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

const RAISED = 'CHURNGUARD_HEAP_RAISED';
/** Above this many account-days a run may outgrow Node's default heap (~4 GB): 1,000 x 365 peaks near 2 GB. */
const LARGE_RUN_ACCOUNT_DAYS = 1_000_000;
/** Below this many account-days a sharded run is over in seconds, and starting Node again would cost more than it saves. */
const LONG_RUN_ACCOUNT_DAYS = 50_000;
const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Three quarters of the machine's memory, in MB, when Node's heap limit is well below it; undefined otherwise. */
function largerHeapMb(): number | undefined {
  const wantedMb = Math.floor((totalmem() / 2 ** 20) * 0.75);
  return getHeapStatistics().heap_size_limit / 2 ** 20 >= wantedMb * 0.9 ? undefined : wantedMb;
}

/**
 * Node flags a simulation needs that can only be given when Node starts, and which this process lacks:
 * - A large synthetic run (10,000 accounts over a year) needs more heap than Node gives by default, since a
 *   simulation keeps the whole table in memory: three quarters of the machine's memory.
 * - A sharded run keeps every core busy with a shard thread. V8's parallel garbage collection then hands work to
 *   helper threads that wait for a core while the shard waits for them; collecting on the shard's own thread took
 *   8% less time at 1,000 accounts (bench/RESULTS.md). Not worth starting Node again for a run of seconds.
 */
export function missingRunFlags(
  accountDays: number,
  shards: number,
  execArgv: readonly string[] = process.execArgv,
): { flags: string[]; heapMb?: number } {
  const heapMb = accountDays >= LARGE_RUN_ACCOUNT_DAYS ? largerHeapMb() : undefined;
  const flags = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  if (shards > 1 && accountDays >= LONG_RUN_ACCOUNT_DAYS && !execArgv.includes(SINGLE_THREADED_GC))
    flags.push(SINGLE_THREADED_GC);
  return heapMb === undefined ? { flags } : { flags, heapMb };
}

/**
 * Runs this same command once more in a child Node with the flags it lacks (missingRunFlags), and returns the
 * child's exit code; undefined when none is missing or this is that child.
 */
export function rerunWithRunFlags(accountDays: number, shards: number): number | undefined {
  if (process.env[RAISED]) return undefined;
  const { flags, heapMb } = missingRunFlags(accountDays, shards);
  if (flags.length === 0) return undefined;
  if (heapMb !== undefined)
    process.stderr.write(
      `churnguard: ${accountDays.toLocaleString('en-US')} account-days need more than Node's default heap; ` +
        `running with --max-old-space-size=${heapMb}\n`,
    );
  const child = spawnSync(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED]: '1' },
  });
  if (child.error) throw child.error;
  return child.status ?? 1;
}
