import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALESFORCE_ACK } from '#core/connectors/salesforce';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { syncCrmExport } from '../../cli/commands/crm-sync.ts';
import {
  accountAnswer,
  countdownFor,
  countdown as countdownOf,
  readAccount,
  renewalOutcome,
} from '../support/crm.ts';
import { createTestDb, dumpTable } from '../support/db.ts';
import { serveLocally } from '../support/local-api.ts';
import { dataItems, fixtureText, NOW, SECRETS, webhookDeps } from '../support/webhooks.ts';

/**
 * Salesforce end to end over HTTP on the local server and DynamoDB Local: a data export (Account, Opportunity,
 * Contact) through `churnguard import <dir> --mapping examples/salesforce/mapping.json`, then an outbound message
 * moving the renewal opportunity, answered with the SOAP Ack Salesforce waits for.
 */

const KEY = 'cg_test_salesforce_key';
const ORG = '00D5e000000AbCdEAK';
const GLOBEX = '0015e00000K7aBcAAF';
const exportDir = path.resolve('tests/fixtures/connectors/salesforce-export');
const mappingFile = path.resolve('examples/salesforce/mapping.json');
const rejectsFile = path.join(exportDir, 'Account.csv.test-rejects.jsonl');

let db: Db;
let api: { base: string; close(): Promise<void> };
let imported: Awaited<ReturnType<typeof syncCrmExport>>;

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'test', NOW);
  api = await serveLocally(webhookDeps(db, { salesforce: { organizationIds: [ORG] } }));
  imported = await syncCrmExport(
    { url: api.base, key: KEY },
    { from: [exportDir], mappingFile, rejectsFile },
  );
});

afterAll(async () => {
  await api?.close();
  rmSync(rejectsFile, { force: true });
});

const getAccount = (id: string) => readAccount(api.base, KEY, id);

const deliver = (xml: string, token: string | null = SECRETS.salesforce) =>
  fetch(`${api.base}/v1/webhooks/salesforce${token === null ? '' : `?token=${encodeURIComponent(token)}`}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
    body: xml,
  });

const countdown = (accountId: string) => countdownOf(db, accountId);

describe('Salesforce: export through import --mapping, then outbound messages', () => {
  it('imports accounts with their renewal opportunity and contacts, refusing an account with no renewal', async () => {
    expect(imported).toMatchObject({ companies: 3, accepted: 2, rejected: 1, skipped: 2 });
    expect(readFileSync(rejectsFile, 'utf8')).toContain('no renewal deal of this company in Opportunity.csv');
    expect(accountAnswer.parse((await getAccount(GLOBEX)).body)).toMatchObject({
      name: 'Globex Corporation',
      region: 'EMEA',
      arr: 60000,
      currency: 'EUR',
      goLiveDate: '2025-05-12',
      csm: { email: 'cara@vendor.example' },
      contract: { startDate: '2026-04-30', renewalDate: '2027-04-30', arr: 60000 },
      contacts: [
        { email: 'hank@globex.example', role: 'sponsor' },
        { email: 'mindy@globex.example', role: 'admin' },
      ],
    });
    // The lost renewal is not Soylent's contract.
    expect(accountAnswer.parse((await getAccount('0015e00000K7aBdAAF')).body)).toMatchObject({
      currency: 'USD',
      contract: { renewalDate: '2026-09-30', arr: 24000 },
      contacts: [{ email: 'sol@soylent.example', role: 'user' }],
    });
    expect((await getAccount('0015e00000K7aBeAAF')).status).toBe(404);
  });

  it('applies a renewal opportunity from an outbound message, moves the countdown, and answers the Ack', async () => {
    expect(await countdown(GLOBEX)).toEqual(countdownFor('2027-04-30'));
    const response = await deliver(fixtureText('salesforce-outbound-opportunity.xml'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toBe(SALESFORCE_ACK);
    expect(accountAnswer.parse((await getAccount(GLOBEX)).body)).toMatchObject({
      arr: 64000,
      contract: { startDate: '2026-04-30', renewalDate: '2027-06-30', arr: 64000 },
    });
    expect(await countdown(GLOBEX)).toEqual(countdownFor('2027-06-30'));

    // Salesforce delivering the same message again (it may) changes nothing.
    const before = await dumpTable(db, dataItems);
    expect((await deliver(fixtureText('salesforce-outbound-opportunity.xml'))).status).toBe(200);
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('records a closed-lost renewal opportunity as churned: ARR 0, no countdown left, once', async () => {
    const SOYLENT = '0015e00000K7aBdAAF';
    expect(await countdown(SOYLENT)).toEqual(countdownFor('2026-09-30'));
    const xml = fixtureText('salesforce-outbound-closed-lost.xml');
    const response = await deliver(xml);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(SALESFORCE_ACK);
    // The renewal's outcome, with the ARR it was worth, then the contract out of force
    expect(await renewalOutcome(db, SOYLENT, '2026-09-30')).toBe('churned');
    expect(accountAnswer.parse((await getAccount(SOYLENT)).body)).toMatchObject({
      arr: 0,
      contract: { renewalDate: '2026-09-30', arr: 0 },
    });
    expect(await countdown(SOYLENT)).toEqual([]);
    // Delivered again: nothing changes, and the countdown stays closed
    const before = await dumpTable(db, dataItems);
    expect((await deliver(xml)).status).toBe(200);
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('refuses a wrong or missing token, and another org, with 401, storing nothing', async () => {
    const xml = fixtureText('salesforce-outbound-opportunity.xml');
    const before = await dumpTable(db);
    const wrong = await deliver(xml, 'guess');
    const missing = await deliver(xml, null);
    const otherOrg = await deliver(xml.replace(ORG, '00D5e000000ZzZzEAK'));
    expect([wrong.status, missing.status, otherOrg.status]).toEqual([401, 401, 401]);
    expect(await otherOrg.json()).toMatchObject({
      message: 'signature refused: organization 00D5e000000ZzZzEAK is not in salesforce.organizationIds',
    });
    expect(await dumpTable(db)).toEqual(before);
  });

  it('refuses an unreadable renewal with 400 naming the field, storing nothing', async () => {
    const xml = fixtureText('salesforce-outbound-opportunity.xml').replace(
      '<sf:Amount>64000.0</sf:Amount>',
      '<sf:Amount>lots</sf:Amount>',
    );
    const before = await dumpTable(db);
    const response = await deliver(xml);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ path: 'Notification[0].sObject.Amount', message: '"lots" is not an amount of at least 0' }],
    });
    expect(await dumpTable(db)).toEqual(before);
  });
});
