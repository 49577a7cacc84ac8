import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A newcomer follows the README: the quick start, then every `bash` block in it, literally, in a fresh copy of the
 * repository (its files as git sees them, with this checkout's node_modules linked in, as `npm ci` would leave
 * them). Only `npm ci` (already done), `npm start` (run in the background, as a second terminal would) and
 * `npm test` (this suite) are not typed into the shell. A command's answer written under it as a `# {...}` comment
 * must be what it answers; every other command must succeed. So the README cannot drift from the product.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const clone = mkdtempSync(join(tmpdir(), 'churnguard-newcomer-'));
const running: ChildProcess[] = [];

interface Block {
  section: string;
  lines: string[];
}

/** Every ```bash block of the README, with the section it is in. */
function bashBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let current: Block | undefined;
  for (const line of markdown.split('\n')) {
    if (current) {
      if (line.startsWith('```')) {
        blocks.push(current);
        current = undefined;
      } else current.lines.push(line);
    } else if (line.startsWith('## ')) section = line.slice(3);
    else if (line.trim() === '```bash') current = { section, lines: [] };
  }
  return blocks;
}

interface Step {
  command: string;
  /** The JSON written under the command as `# {...}` (or `# 202 {...}`), when the README shows the answer. */
  expected?: unknown;
}

const quoteBalanced = (text: string) => (text.match(/'/g) ?? []).length % 2 === 0;

/** A block's commands: a command runs on while a quote is open or a line ends with `\`. */
function steps(block: Block): Step[] {
  const out: Step[] = [];
  let pending: string[] = [];
  for (const line of block.lines) {
    if (pending.length === 0) {
      const answer = /^#\s*(?:\d{3}\s+)?(\{.*\})\s*$/.exec(line);
      if (answer?.[1] && out.length > 0) {
        const last = out[out.length - 1];
        if (last) last.expected = JSON.parse(answer[1]);
        continue;
      }
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
    }
    pending.push(line);
    const text = pending.join('\n');
    if (quoteBalanced(text) && !line.endsWith('\\')) {
      out.push({ command: text });
      pending = [];
    }
  }
  if (pending.length) throw new Error(`unterminated command in ${block.section}: ${pending.join('\n')}`);
  return out;
}

/** Runs the steps in one bash, so variables carry over, and returns each one's output and exit code. */
function runInBash(all: Step[], env: NodeJS.ProcessEnv) {
  const script = all
    .map((step, i) => `echo "@@begin ${i}@@"\n${step.command}\necho "@@end ${i} $?@@"`)
    .join('\n');
  const output = execFileSync('bash', ['-c', script], {
    cwd: clone,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return all.map((step, i) => {
    const match = new RegExp(`@@begin ${i}@@\\n([\\s\\S]*?)@@end ${i} (\\d+)@@`).exec(output);
    return { step, output: match?.[1] ?? '', code: Number(match?.[2] ?? -1) };
  });
}

/** The files of the repository as git sees them (tracked, and new ones not ignored), copied as they are now. */
function freshCopy() {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    // node_modules comes from this checkout (a linked node_modules is a file to git, not an ignored directory).
    .filter((file) => file !== '' && file !== 'node_modules' && !file.startsWith('node_modules/'));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(clone, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted, not yet committed
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const address = probe.address();
  await new Promise((r) => probe.close(r));
  return typeof address === 'object' && address ? address.port : 0;
}

/** The environment of a newcomer's shell: none of churnguard's variables, except the port the stack got. */
function newcomerEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('CHURNGUARD_') ||
      name === 'SES_PORT' ||
      name === 'VITEST' ||
      name.startsWith('VITEST_')
    )
      delete env[name];
  }
  return env;
}

const blocks = bashBlocks(README);
const quickStart = blocks.filter((b) => b.section === 'Quick start');
let port = 0;
let stack: ChildProcess | undefined;

beforeAll(async () => {
  freshCopy();
  port = await freePort();
}, 120_000);

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

afterAll(async () => {
  // Ctrl-C, as the newcomer stops it; anything still running after that is killed.
  if (stack?.pid && alive(stack)) {
    process.kill(-stack.pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (alive(stack) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  for (const child of running) {
    try {
      if (child.pid && alive(child)) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}, 60_000);

describe('the README, followed literally by a newcomer', () => {
  it('starts with the two commands of the quick start', async () => {
    expect(quickStart[0]?.lines.map((line) => line.split('#')[0]?.trim())).toEqual([
      'npm ci && npm start',
      'npm test',
    ]);
    // npm ci has run (node_modules is linked in); npm start runs in the background, as in a second terminal.
    stack = spawn('npm', ['start'], {
      cwd: clone,
      env: newcomerEnv(port),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(stack);
    let output = '';
    stack.stdout?.on('data', (d) => (output += d));
    stack.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 120_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (stack.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output).toContain(`API        http://127.0.0.1:${port}/v1`);
    expect(output).toMatch(/Inbox {6}http:\/\/127\.0\.0\.1:\d+\//);
  }, 150_000);

  it('runs every other bash block as written, each answer as documented', () => {
    const rest = blocks.filter((b) => b !== quickStart[0]);
    const all = rest.flatMap(steps);
    expect(all.length).toBeGreaterThan(10);
    const results = runInBash(all, newcomerEnv(port));
    const failures = results
      .filter(({ step, output, code }) => {
        if (code !== 0) return true;
        if (step.expected === undefined) return false;
        try {
          expect(JSON.parse(output.trim())).toEqual(step.expected);
          return false;
        } catch {
          return true;
        }
      })
      .map(({ step, output, code }) => `$ ${step.command}\n(exit ${code})\n${output}`);
    expect(failures).toEqual([]);
  }, 600_000);

  it('documents every command of churnguard --help', () => {
    const help = execFileSync(process.execPath, ['bin/churnguard.js', '--help'], {
      cwd: clone,
      encoding: 'utf8',
    });
    const commands = help
      .slice(help.indexOf('Commands:'), help.indexOf('Common options:'))
      .split('\n')
      .map((line) => /^ {2}([a-z]+(?: [a-z]+)?)\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining([
        'dev',
        'import',
        'account',
        'templates preview',
        'config validate',
        'simulate',
      ]),
    );
    for (const command of commands) expect(README).toContain(`churnguard ${command}`);
  });
});
