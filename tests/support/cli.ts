import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The CLI as a user runs it: the published bin in its own process, pointed at `api` with `key`, in an empty home
 * (so no local stack is found by accident).
 */
export function churnguardAt(api: string, key: string) {
  return (...args: string[]): Promise<{ code: number | null; output: string }> => {
    const home = mkdtempSync(join(tmpdir(), 'churnguard-cli-'));
    const child = spawn(process.execPath, ['bin/churnguard.js', ...args, '--api', api, '--key', key], {
      env: { ...process.env, CHURNGUARD_HOME: home, CHURNGUARD_API_KEY: '', CHURNGUARD_API_URL: '' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
  };
}
