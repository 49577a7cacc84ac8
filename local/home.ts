import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * Where the local stack keeps its data, its API key and the address it runs at (`.churnguard/`), found the same
 * way by `npm start`, `churnguard dev` and every CLI command, from any folder:
 * 1. CHURNGUARD_HOME, when set (relative to the current folder);
 * 2. else the nearest `.churnguard` folder in the current folder or above it;
 * 3. else the `.churnguard` folder of the churnguard checkout this code runs from.
 */
export const HOME_ENV = 'CHURNGUARD_HOME';
const HOME_DIR = '.churnguard';

/** The churnguard checkout this module belongs to (local/ is one level down). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

export function localHome(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const given = env[HOME_ENV];
  if (given) return resolve(cwd, given);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (isDirectory(join(dir, HOME_DIR))) return join(dir, HOME_DIR);
    if (dirname(dir) === dir) break;
  }
  return join(PROJECT_ROOT, HOME_DIR);
}

/** `<home>/stack.json`: written when the local stack is up, removed when it stops. */
const stackFileSchema = z.object({
  apiUrl: z.string(),
  inboxUrl: z.string(),
  /** The Slack and Teams capture (absent in a file written before it existed). */
  chatUrl: z.string().optional(),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type StackFile = z.infer<typeof stackFileSchema>;

export const stackFilePath = (home: string) => join(home, 'stack.json');
export const apiKeyFilePath = (home: string) => join(home, 'local-api-key');

export function writeStackFile(home: string, stack: Omit<StackFile, 'pid' | 'startedAt'>, now: Date): void {
  const content: StackFile = { ...stack, pid: process.pid, startedAt: now.toISOString() };
  writeFileSync(stackFilePath(home), `${JSON.stringify(content, null, 2)}\n`);
}

export function removeStackFile(home: string): void {
  rmSync(stackFilePath(home), { force: true });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The local stack running from this home, if its process is alive (a stack killed outright leaves its file). */
export function runningStack(home: string): StackFile | undefined {
  const file = stackFilePath(home);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = stackFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success && isAlive(parsed.data.pid) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
