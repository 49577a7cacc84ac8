import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONTACTS } from '#core/accounts';
import { upsertAccount } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { lookupAccount } from '#store/lookup-store';
import { syncCrmExport } from '../../cli/commands/crm-sync.ts';
import {
  accountAnswer,
  countdownFor,
  countdown as countdownOf,
  hubspotPoster,
  readAccount,
  renewalOutcome,
} from '../support/crm.ts';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { serveLocally } from '../support/local-api.ts';
import { dataItems, NOW, outcomeSchema, webhookDeps } from '../support/webhooks.ts';

/**
 * HubSpot end to end over HTTP on the local server and DynamoDB Local: the first load from an export through
 * `churnguard sync hubspot` (POST /v1/accounts), then signed webhooks moving a renewal deal's close date, which
 * moves the account's contract and its renewal countdown. Read back through the API.
 */

const KEY = 'cg_test_hubspot_key';
const exportDir = path.resolve('tests/fixtures/connectors/hubspot-export');
const rejectsFile = path.join(exportDir, 'companies.csv.test-rejects.jsonl');

let db: Db;
let api: { base: string; close(): Promise<void> };
let synced: Awaited<ReturnType<typeof syncCrmExport>>;
/** What the sync stored, read before any test's webhooks change it (so the tests pass in any order). */
let afterSync: {
  initrode: Awaited<ReturnType<typeof readAccount>>;
  vandelay: Awaited<ReturnType<typeof readAccount>>;
  initrodeCountdown: Awaited<ReturnType<typeof countdownOf>>;
};

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'test', NOW);
  api = await serveLocally(
    webhookDeps(db, {
      hubspot: { owners: { '31337': { name: 'Dana Park', email: 'dana@vendor.example' } } },
    }),
  );
  synced = await syncCrmExport(
    { url: api.base, key: KEY },
    {
      from: [exportDir],
      preset: 'hubspot',
      mappingFile: path.join(exportDir, 'hubspot-mapping.json'),
      rejectsFile,
    },
  );
  afterSync = {
    initrode: await getAccount('5001'),
    vandelay: await getAccount('5002'),
    initrodeCountdown: await countdown('5001'),
  };
});

afterAll(async () => {
  await api?.close();
  rmSync(rejectsFile, { force: true });
});

const getAccount = (id: string) => readAccount(api.base, KEY, id);

const hubspotPost = (body: string, options: { at?: Date; secret?: string } = {}) =>
  hubspotPoster(api.base)(body, options);

const countdown = (accountId: string) => countdownOf(db, accountId);

const dealChange = (eventId: number, dealId: number, propertyName: string, propertyValue: string) => ({
  eventId,
  subscriptionId: 2102,
  portalId: 62515,
  appId: 54321,
  occurredAt: NOW.getTime() - 60_000,
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: dealId,
  changeSource: 'CRM_UI',
  propertyName,
  propertyValue,
});

describe('HubSpot: sync from an export, then webhooks', () => {
  it('loads companies with their renewal deal and contacts as accounts, refusing what it cannot map', async () => {
    expect(synced).toMatchObject({ companies: 3, accepted: 2, rejected: 1, skipped: 3 });
    expect(readFileSync(rejectsFile, 'utf8')).toContain('no renewal deal of this company');

    const { initrode } = afterSync;
    expect(initrode.status).toBe(200);
    // The renewal deal is the one renewing last (9002, 2027); its amount is the ARR.
    expect(accountAnswer.parse(initrode.body)).toMatchObject({
      name: 'Initrode',
      region: 'EMEA',
      arr: 52000,
      currency: 'EUR',
      csm: { email: 'cara@vendor.example' },
      contract: { startDate: '2026-01-31', renewalDate: '2027-01-31', arr: 52000 },
      contacts: [
        { id: '301', email: 'ingrid@initrode.example', role: 'sponsor' },
        { id: '302', email: 'ivo@initrode.example', role: 'user' },
      ],
    });
    // The lost expansion deal is not Vandelay's contract; the renewal is (as stored by the sync: the webhooks
    // below move Vandelay's, so this reads the contract history's first entry).
    expect(accountAnswer.parse(afterSync.vandelay.body)).toMatchObject({
      region: 'AMER',
      currency: 'USD',
    });
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9004' })).toEqual({ accountId: '5002' });
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9003' })).toEqual({
      unresolved: 'no account is known for hubspot_deal "9003"',
    });
    // Orphan Co has no deal of its own: refused, with why, and not stored.
    expect((await getAccount('5003')).status).toBe(404);
    // The contract's deal now finds it, for the webhooks; last year's deal does not (its edits are not this
    // contract's).
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9002' })).toEqual({ accountId: '5001' });
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9001' })).toEqual({
      unresolved: 'no account is known for hubspot_deal "9001"',
    });
    expect(afterSync.initrodeCountdown).toEqual(countdownFor('2027-01-31'));
  });

  it("moves the contract and the renewal countdown when the renewal deal's close date moves", async () => {
    expect(await countdown('5002')).toEqual(countdownFor('2026-11-15'));
    const body = JSON.stringify([
      dealChange(5100001, 9004, 'closedate', String(Date.parse('2027-03-31T00:00:00Z'))),
    ]);
    const response = await hubspotPost(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      source: 'hubspot',
      contracts: { applied: 1, unchanged: 0 },
      lookups: { resolved: 1, parked: 0 },
    });
    expect(accountAnswer.parse((await getAccount('5002')).body).contract).toEqual({
      startDate: '2025-11-15',
      renewalDate: '2027-03-31',
      arr: 36000.5,
    });
    const moved = await countdown('5002');
    expect(moved).toEqual(countdownFor('2027-03-31'));
    expect(moved).not.toEqual(countdownFor('2026-11-15'));

    // HubSpot retrying the same delivery changes nothing.
    const before = await dumpTable(db, dataItems);
    const again = await hubspotPost(body, { at: new Date(NOW.getTime() + 60_000) });
    expect(await again.json()).toMatchObject({ contracts: { applied: 0, unchanged: 1 } });
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('finds a new deal through its association in the same delivery, and its amount becomes the ARR', async () => {
    await upsertAccount(db, account('5009', { currency: 'USD', arr: 30000 }), NOW);
    const body = JSON.stringify([
      {
        eventId: 5100002,
        subscriptionId: 2101,
        portalId: 62515,
        appId: 54321,
        occurredAt: NOW.getTime() - 30_000,
        subscriptionType: 'deal.associationChange',
        attemptNumber: 0,
        associationType: 'DEAL_TO_COMPANY',
        fromObjectId: 9010,
        toObjectId: 5009,
        associationRemoved: false,
        isPrimaryAssociation: true,
      },
      dealChange(5100003, 9010, 'amount', '40000'),
    ]);
    const response = await hubspotPost(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ links: 1, contracts: { applied: 1 } });
    expect(accountAnswer.parse((await getAccount('5009')).body)).toMatchObject({
      arr: 40000,
      contract: { renewalDate: '2027-01-01', arr: 40000 },
    });
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9010' })).toEqual({ accountId: '5009' });
  });

  it('records a renewal deal moved to closed lost as churned: ARR 0, no countdown left, once', async () => {
    expect(await countdown('5001')).toEqual(countdownFor('2027-01-31'));
    const body = JSON.stringify([dealChange(5100007, 9002, 'dealstage', 'closedlost')]);
    const response = await hubspotPost(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, contracts: { applied: 2 } });
    expect(await renewalOutcome(db, '5001', '2027-01-31')).toBe('churned');
    expect(accountAnswer.parse((await getAccount('5001')).body)).toMatchObject({
      arr: 0,
      contract: { renewalDate: '2027-01-31', arr: 0 },
    });
    expect(await countdown('5001')).toEqual([]);
    // Retried by HubSpot: nothing changes, and the countdown stays closed
    const before = await dumpTable(db, dataItems);
    expect((await hubspotPost(body, { at: new Date(NOW.getTime() + 60_000) })).status).toBe(200);
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it("applies a company's new name, region and owner to its account, newer wins, and sets aside what it cannot read", async () => {
    const companyChange = (eventId: number, propertyName: string, propertyValue: string, ago = 30_000) => ({
      eventId,
      subscriptionId: 2201,
      portalId: 62515,
      appId: 54321,
      occurredAt: NOW.getTime() - ago,
      subscriptionType: 'company.propertyChange',
      attemptNumber: 0,
      objectId: 5002,
      changeSource: 'CRM_UI',
      propertyName,
      propertyValue,
    });
    const body = JSON.stringify([
      companyChange(5200001, 'name', 'Vandelay Industries International'),
      companyChange(5200002, 'churnguard_region', 'EMEA'),
      companyChange(5200003, 'hubspot_owner_id', '31337'),
      // HubSpot's documented creation events: thin, so only held until their properties arrive
      {
        ...companyChange(5200004, 'x', 'x'),
        subscriptionType: 'company.creation',
        objectId: 5009,
        propertyName: undefined,
        propertyValue: undefined,
        changeFlag: 'CREATED',
      },
      {
        ...companyChange(5200005, 'x', 'x'),
        subscriptionType: 'contact.creation',
        objectId: 701,
        propertyName: undefined,
        propertyValue: undefined,
        changeFlag: 'CREATED',
      },
    ]);
    const response = await hubspotPost(body);
    expect(response.status).toBe(200);
    const answer = outcomeSchema.parse(await response.json());
    expect(answer).toMatchObject({
      profiles: { applied: 3, unchanged: 0 },
      // the company's three properties (held too, for a company that is not an account yet) and the two creations
      held: { applied: 5, unchanged: 0 },
      ignored: 0,
      waitingContacts: [{ contactId: '701', reason: 'no email yet' }],
    });
    const vandelay = accountAnswer.parse((await getAccount('5002')).body);
    expect(vandelay).toMatchObject({
      name: 'Vandelay Industries International',
      region: 'EMEA',
      csm: { email: 'dana@vendor.example' },
    });

    // A replay, and an older rename delivered late, change nothing
    const before = await dumpTable(db, dataItems);
    const again = await hubspotPost(body, { at: new Date(NOW.getTime() + 60_000) });
    expect(await again.json()).toMatchObject({
      profiles: { applied: 0, unchanged: 3 },
      held: { applied: 0, unchanged: 5 },
    });
    const late = await hubspotPost(JSON.stringify([companyChange(5200000, 'name', 'Vandelay', 90_000)]));
    expect(await late.json()).toMatchObject({
      profiles: { applied: 0, unchanged: 1 },
      held: { applied: 0, unchanged: 1 },
    });
    expect(await dumpTable(db, dataItems)).toEqual(before);

    // An empty region cannot be the account's: 400 naming the field, nothing stored
    const empty = await hubspotPost(
      JSON.stringify([companyChange(5200006, 'churnguard_region', '', 10_000)]),
    );
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ errors: [{ path: '[0].propertyValue' }] });
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('refuses a wrong secret and a stale timestamp with 401, storing nothing', async () => {
    const body = JSON.stringify([dealChange(5100004, 9002, 'closedate', '2027-06-30')]);
    const before = await dumpTable(db);
    const wrong = await hubspotPost(body, { secret: 'not-the-client-secret' });
    const stale = await hubspotPost(body, { at: new Date(NOW.getTime() - 6 * 60_000) });
    expect([wrong.status, stale.status]).toEqual([401, 401]);
    expect(await wrong.json()).toMatchObject({ message: 'signature refused: signature does not match' });
    expect(await stale.json()).toMatchObject({
      message: 'signature refused: timestamp is more than 300 seconds from now',
    });
    expect(await dumpTable(db)).toEqual(before);
  });

  it('refuses a body with an unreadable renewal date with 400 naming the field, storing none of it', async () => {
    const body = JSON.stringify([
      dealChange(5100005, 9002, 'amount', '99000'),
      dealChange(5100006, 9002, 'closedate', 'end of Q2'),
    ]);
    const before = await dumpTable(db);
    const response = await hubspotPost(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ path: '[1].propertyValue', message: 'closedate must be a date (Unix ms or YYYY-MM-DD)' }],
    });
    expect(await dumpTable(db)).toEqual(before);
  });

  describe('contacts from webhooks', () => {
    // Accounts of their own (company id = account id), so other tests' contacts and these do not meet.
    beforeAll(async () => {
      await upsertAccount(db, account('5101', { contacts: [] }), NOW);
      await upsertAccount(db, account('5102', { contacts: [] }), NOW);
    });

    const contactEvent = (
      eventId: number,
      contactId: number,
      change: { propertyName: string; propertyValue: string } | { subscriptionType: string },
      ago = 20_000,
    ) => ({
      eventId,
      subscriptionId: 2301,
      portalId: 62515,
      appId: 54321,
      occurredAt: NOW.getTime() - ago,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: contactId,
      changeSource: 'CRM_UI',
      ...change,
    });
    const property = (propertyName: string, propertyValue: string) => ({ propertyName, propertyValue });
    const contactsOf = async (accountId: string) =>
      accountAnswer.parse((await getAccount(accountId)).body).contacts;

    it('leaves a contact waiting, with why, when its account already holds as many contacts as it can', async () => {
      const full = Array.from({ length: MAX_CONTACTS }, (_, i) => ({
        id: `c${i}`,
        email: `person${i}@full.example`,
        name: `Person ${i}`,
        role: 'user' as const,
        timezone: 'UTC',
      }));
      await upsertAccount(db, account('5103', { contacts: full }), NOW);
      const before = await contactsOf('5103');
      const response = await hubspotPost(
        JSON.stringify([
          contactEvent(5300101, 901, property('email', 'one.more@full.example')),
          contactEvent(5300102, 901, property('associatedcompanyid', '5103')),
        ]),
      );
      expect(response.status).toBe(200);
      expect(outcomeSchema.parse(await response.json())).toMatchObject({
        waitingContacts: [
          {
            contactId: '901',
            reason: `account "5103" already holds ${MAX_CONTACTS} contacts, the most an account can hold`,
          },
        ],
      });
      expect(await contactsOf('5103')).toEqual(before);
    });

    it("puts a contact on its company's account once email and company are known, newer wins, replay changes nothing", async () => {
      const body = JSON.stringify([
        contactEvent(5300001, 801, { subscriptionType: 'contact.creation' }),
        contactEvent(5300002, 801, property('email', 'nora@acme.example')),
        contactEvent(5300003, 801, property('firstname', 'Nora')),
        contactEvent(5300004, 801, property('lastname', 'Quist')),
        contactEvent(5300005, 801, property('jobtitle', 'champion')),
        contactEvent(5300006, 801, property('associatedcompanyid', '5101')),
        contactEvent(5300007, 801, property('phone', '+1 555 0100')),
      ]);
      const response = await hubspotPost(body);
      expect(response.status).toBe(200);
      expect(outcomeSchema.parse(await response.json())).toMatchObject({
        held: { applied: 6, unchanged: 0 },
        ignored: 1,
        waitingContacts: [],
      });
      expect(await contactsOf('5101')).toContainEqual({
        id: '801',
        email: 'nora@acme.example',
        name: 'Nora Quist',
        role: 'champion',
        timezone: 'UTC',
      });

      const before = await dumpTable(db, dataItems);
      const again = await hubspotPost(body, { at: new Date(NOW.getTime() + 60_000) });
      expect(await again.json()).toMatchObject({ held: { applied: 0, unchanged: 6 } });
      const older = await hubspotPost(
        JSON.stringify([contactEvent(5300000, 801, property('email', 'old@acme.example'), 90_000)]),
      );
      expect(await older.json()).toMatchObject({ held: { applied: 0, unchanged: 1 } });
      expect(await dumpTable(db, dataItems)).toEqual(before);
    });

    it('holds a contact that arrives before its company and applies it when the company arrives, then moves it', async () => {
      const first = await hubspotPost(
        JSON.stringify([
          contactEvent(5300101, 802, property('email', 'otto@acme.example')),
          contactEvent(5300102, 802, property('firstname', 'Otto')),
        ]),
      );
      expect(await first.json()).toMatchObject({
        held: { applied: 2 },
        waitingContacts: [{ contactId: '802', reason: 'no company yet' }],
      });
      expect((await contactsOf('5101')).map((c) => c.id)).not.toContain('802');

      const company = await hubspotPost(
        JSON.stringify([contactEvent(5300103, 802, property('associatedcompanyid', '5101'), 10_000)]),
      );
      expect(await company.json()).toMatchObject({ held: { applied: 1 }, waitingContacts: [] });
      expect(await contactsOf('5101')).toContainEqual(
        expect.objectContaining({ id: '802', email: 'otto@acme.example', name: 'Otto', role: 'user' }),
      );

      // A newer company moves the contact to that company's account
      const moved = await hubspotPost(
        JSON.stringify([contactEvent(5300104, 802, property('associatedcompanyid', '5102'), 5_000)]),
      );
      expect(moved.status).toBe(200);
      expect((await contactsOf('5101')).map((c) => c.id)).not.toContain('802');
      expect((await contactsOf('5102')).map((c) => c.id)).toContain('802');
    });

    it('removes a deleted contact from its account, and an older change delivered late does not bring it back', async () => {
      await hubspotPost(
        JSON.stringify([
          contactEvent(5300201, 803, property('email', 'pia@acme.example'), 30_000),
          contactEvent(5300202, 803, property('associatedcompanyid', '5101'), 30_000),
        ]),
      );
      expect((await contactsOf('5101')).map((c) => c.id)).toContain('803');

      const deleted = await hubspotPost(
        JSON.stringify([contactEvent(5300203, 803, { subscriptionType: 'contact.deletion' }, 10_000)]),
      );
      expect(await deleted.json()).toMatchObject({
        held: { applied: 1 },
        waitingContacts: [{ contactId: '803', reason: 'deleted in HubSpot' }],
      });
      expect((await contactsOf('5101')).map((c) => c.id)).not.toContain('803');

      const late = await hubspotPost(
        JSON.stringify([contactEvent(5300204, 803, property('firstname', 'Pia'), 20_000)]),
      );
      expect(late.status).toBe(200);
      expect((await contactsOf('5101')).map((c) => c.id)).not.toContain('803');
    });

    it('keeps both of two deliveries for one contact that arrive at the same time', async () => {
      const answers = await Promise.all([
        hubspotPost(JSON.stringify([contactEvent(5300401, 805, property('email', 'rae@acme.example'))])),
        hubspotPost(JSON.stringify([contactEvent(5300402, 805, property('associatedcompanyid', '5101'))])),
        hubspotPost(JSON.stringify([contactEvent(5300403, 805, property('firstname', 'Rae'))])),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(await contactsOf('5101')).toContainEqual(
        expect.objectContaining({ id: '805', email: 'rae@acme.example', name: 'Rae' }),
      );
    });

    it('refuses an empty email with 400 naming the field and a wrong signature with 401, storing nothing', async () => {
      const body = JSON.stringify([
        contactEvent(5300301, 804, property('firstname', 'Quinn')),
        contactEvent(5300302, 804, property('email', '')),
      ]);
      const before = await dumpTable(db);
      const empty = await hubspotPost(body);
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({
        errors: [{ path: '[1].propertyValue', message: 'email must be an email address' }],
      });
      const unsigned = await hubspotPost(
        JSON.stringify([contactEvent(5300303, 804, property('email', 'quinn@acme.example'))]),
        { secret: 'not-the-client-secret' },
      );
      expect(unsigned.status).toBe(401);
      expect(await dumpTable(db)).toEqual(before);
    });
  });
});
