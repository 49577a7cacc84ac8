import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderChatPost } from '#core/channels/render';

/**
 * The Slack and Teams capture as a user meets it: `npm start` with a config naming destinations prints the
 * capture's URL and where each webhook goes; a post to it over HTTP is listed by `churnguard posts`.
 */

const home = mkdtempSync(join(tmpdir(), 'churnguard-chat-'));
const configFile = join(home, 'channels.config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    channels: {
      destinations: { 'cs-emea': { kind: 'slack' }, leads: { kind: 'teams' } },
      routes: [{ to: 'cs-emea', region: 'EMEA' }],
    },
  }),
);
// A real URL for one destination in the local secrets file; the other posts to the capture.
writeFileSync(join(home, 'chat-webhooks.json'), JSON.stringify({ leads: 'https://example.invalid/hook' }), {
  mode: 0o600,
});
const env = {
  ...process.env,
  CHURNGUARD_HOME: home,
  CHURNGUARD_CONFIG: configFile,
  PORT: '0',
  CHURNGUARD_API_KEY: '',
  CHURNGUARD_DISPATCH_SECONDS: '0',
};
let stack: ChildProcess | undefined;

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack?.on('exit', resolve));
    stack.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (stack.exitCode === null) stack.kill('SIGKILL');
  }
});

function cli(args: string[]) {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('the Slack and Teams capture of the local stack', () => {
  it('says so when no stack runs', async () => {
    const { code, stderr } = await cli(['posts']);
    expect(code).toBe(1);
    expect(stderr).toContain(`no local stack with a Slack and Teams capture is running from ${home}`);
  });

  it('is printed by npm start and lists what was posted to it over HTTP', async () => {
    stack = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout?.on('data', (d) => (output += d));
    stack.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 90_000;
    while (!/Press Ctrl-C/.test(output)) {
      if (stack.exitCode !== null || Date.now() > deadline)
        throw new Error(`stack did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const chat = /Chat\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    expect(chat).toBeDefined();
    expect(output).toContain(
      `(webhooks: ${join(home, 'chat-webhooks.json')}: leads; the others post to the capture)`,
    );
    expect((await cli(['posts'])).stdout).toBe('No Slack or Teams posts yet.\n');

    const rendered = renderChatPost('slack', 'cs-emea', {
      title: 'Acme: risk opened',
      summary: 'Acme has a new tier-1 risk.',
      sections: [],
      link: { label: 'Open the account', url: 'http://127.0.0.1:3000/app/#/account/acme' },
    });
    const posted = await fetch(`${chat}/slack/cs-emea`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rendered.post.payload),
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe('ok');

    const listed = await cli(['posts']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^\S+Z {2}slack cs-emea\n {2}Acme: risk opened: Acme has a new tier-1 risk\.\n {2}http:\/\/127\.0\.0\.1:3000\/app\/#\/account\/acme\n$/,
    );
    const json = JSON.parse((await cli(['posts', '--json'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ kind: 'slack', destination: 'cs-emea', payload: rendered.post.payload });
  });
});
