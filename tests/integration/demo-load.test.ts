import { describe, expect, it } from 'vitest';
import { createAccountsHandler } from '#functions/accounts/app';
import type { Mailer } from '#functions/shared/mailer';
import { DemoRefusedError, loadDemo } from '#local/demo/load';
import { registerApiKey } from '#store/api-key-store';
import { readDemoMarker, writeDemoMarker } from '#store/demo-store';
import { createTestDb, dumpTable, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const KEY = 'cg_test_demo_load_key';
const NOW = new Date('2026-06-01T12:00:00Z');

/** A mailer that must not be reached: these loads stop before anything is simulated or sent. */
const noMail: Mailer = {
  send: async () => {
    throw new Error('nothing should be sent');
  },
};

describe('loading the demo portfolio', () => {
  it('refuses a table that holds accounts of its own, says what to do, and changes nothing', async () => {
    const db = await createTestDb();
    const deps = testDeps(db);
    await registerApiKey(db, KEY, 'test', deps.clock.now());
    const accounts = createAccountsHandler(deps);
    const response = await accounts(
      httpEvent('POST /v1/accounts', {
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ accounts: [account('mine')] }),
      }),
    );
    expect(response.statusCode).toBe(200);
    const before = await dumpTable(db);
    const refused = loadDemo({ db, mailer: noMail }, { accounts: 8, now: NOW });
    await expect(refused).rejects.toBeInstanceOf(DemoRefusedError);
    await expect(refused).rejects.toThrow(
      /already holds 1 account\(s\).*npm run demo holds its data in memory/,
    );
    expect(await dumpTable(db)).toEqual(before);
    expect(await readDemoMarker(db)).toBeUndefined();
  });

  it('leaves a table that holds the demo already as it is', async () => {
    const db = await createTestDb();
    const marker = {
      loadedAt: '2026-05-30T10:00:00.000Z',
      accounts: 24,
      seed: 7,
      start: '2025-05-23',
      days: 372,
    };
    await writeDemoMarker(db, marker);
    const before = await dumpTable(db);
    const again = await loadDemo({ db, mailer: noMail }, { accounts: 8, now: NOW });
    expect(again).toEqual({ kind: 'already', marker });
    expect(await dumpTable(db)).toEqual(before);
  });
});
