import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalApiServer } from '#local/http-server';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import { recordNotSent, reserveSend } from '#store/send-ledger-store';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

const KEY = 'cg_test_key_for_journeys_cli';
const scratch = mkdtempSync(join(tmpdir(), 'churnguard-journeys-cli-'));
let server: Server;
let api: string;

function churnguard(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['bin/churnguard.js', ...args, '--api', api, '--key', KEY], {
    env: { ...process.env, CHURNGUARD_HOME: scratch, CHURNGUARD_API_KEY: '', CHURNGUARD_API_URL: '' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('churnguard account and templates preview', () => {
  beforeAll(async () => {
    const db = await createTestDb();
    const deps = testDeps(db);
    await registerApiKey(db, KEY, 'test', deps.clock.now());
    await upsertAccount(db, account('acme', { name: 'Acme GmbH' }), deps.clock.now());
    await reserveSend(db, {
      owner: { accountId: 'acme' },
      key: { playId: 'nudge_configured', about: 'configured', recipientId: 'acme-admin', occurrence: 'due' },
      channel: 'email',
      audience: 'contact',
      priority: 50,
      at: '2026-01-26T08:00:00.000Z',
      status: 'reserved',
    });
    await recordNotSent(db, {
      playId: 'congratulate_first_login',
      about: 'first_login',
      recipientId: 'acme-admin',
      occurrence: 'due',
      accountId: 'acme',
      at: '2026-01-21T07:00:00.000Z',
      channel: 'email',
      outcome: 'not_selected',
      reason: 'struggling',
      detail: 'congratulation withheld: health is red',
    });
    server = createLocalApiServer(deps);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('lists what was sent and what was not, and why, under the account health', async () => {
    const { code, output } = await churnguard('account', 'acme');
    expect(code).toBe(0);
    expect(output).toContain('Messages in the send ledger (1)');
    expect(output).toContain('nudge_configured (email) to acme-admin: reserved');
    expect(output).toContain('Messages not sent (1)');
    expect(output).toContain(
      'congratulate_first_login to acme-admin: not_selected, struggling (congratulation withheld: health is red)',
    );
  });

  it('previews a template for the account: subject, one-click headers, text, and the HTML in a file', async () => {
    const out = join(scratch, 'preview.html');
    const { code, output } = await churnguard(
      'templates',
      'preview',
      'nudge_first_login',
      '--account',
      'acme',
      '--out',
      out,
    );
    expect(output).toContain('To: ');
    expect(code).toBe(0);
    expect(output).toContain('To: Ada Admin <admin@acme.example>');
    expect(output).toContain(
      'Template nudge_first_login, sent from journeys.transactional.milestones[0].onLate (play nudge_first_login, milestone first_login)',
    );
    expect(output).toContain('Subject: Ada, your workspace is waiting');
    // The number of days comes from the journey step; it was rendered blank before ("log in within  days").
    expect(output).toContain('Most teams log in within 5 days of go-live');
    const message = output.slice(output.indexOf('Subject:'), output.indexOf('HTML ('));
    expect(message).not.toMatch(/churnguard|app\.example\.com/);
    expect(output).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(output).toContain('Acme GmbH has not logged in yet');
    expect(readFileSync(out, 'utf8')).toContain('Acme GmbH has not logged in yet');
  });

  it('names the templates there are when asked for an unknown one', async () => {
    const { code, output } = await churnguard('templates', 'preview', 'nope', '--account', 'acme');
    expect(code).toBe(1);
    expect(output).toContain('no template "nope"; templates: congrats_first_login');
  });
});
