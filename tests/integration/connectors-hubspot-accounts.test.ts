import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { lookupAccount } from '#store/lookup-store';
import { accountAnswer, countdown, countdownFor, hubspotPoster, readAccount } from '../support/crm.ts';
import { createTestDb, dumpTable } from '../support/db.ts';
import { serveLocally } from '../support/local-api.ts';
import { dataItems, NOW, type Outcome, outcomeSchema, webhookDeps } from '../support/webhooks.ts';

/**
 * A company created in HubSpot becomes a churnguard account through the webhooks alone, whatever the order its
 * company, association and deal events arrive in: over HTTP on the local server against DynamoDB Local, signed as
 * HubSpot signs, read back through GET /v1/accounts/{id} and the account's renewal checkpoints.
 */

const KEY = 'cg_test_hubspot_accounts_key';
const OWNER = { name: 'Dana Park', email: 'dana@vendor.example' };

let db: Db;
let api: { base: string; close(): Promise<void> };
let post: ReturnType<typeof hubspotPoster>;

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'test', NOW);
  api = await serveLocally(webhookDeps(db, { hubspot: { owners: { '31337': OWNER } } }));
  post = hubspotPoster(api.base);
});

afterAll(async () => {
  await api?.close();
});

const getAccount = (id: string) => readAccount(api.base, KEY, id);

// HubSpot's legacy webhook events (developers.hubspot.com/docs/api/webhooks, "Webhook payloads").
const common = (eventId: number, ago: number) => ({
  eventId,
  subscriptionId: 2401,
  portalId: 62515,
  appId: 54321,
  occurredAt: NOW.getTime() - ago,
  attemptNumber: 0,
  changeSource: 'CRM_UI',
});
const companyCreated = (eventId: number, companyId: number, ago = 50_000) => ({
  ...common(eventId, ago),
  subscriptionType: 'company.creation',
  objectId: companyId,
  changeFlag: 'CREATED',
});
const companyProperty = (
  eventId: number,
  companyId: number,
  propertyName: string,
  value: string,
  ago = 40_000,
) => ({
  ...common(eventId, ago),
  subscriptionType: 'company.propertyChange',
  objectId: companyId,
  propertyName,
  propertyValue: value,
});
const dealToCompany = (eventId: number, dealId: number, companyId: number, ago = 30_000) => ({
  ...common(eventId, ago),
  subscriptionType: 'deal.associationChange',
  associationType: 'DEAL_TO_COMPANY',
  fromObjectId: dealId,
  toObjectId: companyId,
  associationRemoved: false,
  isPrimaryAssociation: true,
});
const dealProperty = (
  eventId: number,
  dealId: number,
  propertyName: string,
  value: string,
  ago = 20_000,
) => ({
  ...common(eventId, ago),
  subscriptionType: 'deal.propertyChange',
  objectId: dealId,
  propertyName,
  propertyValue: value,
});
const renewalMs = (day: string) => String(Date.parse(`${day}T00:00:00Z`));

/** A company with its name, region and owner, delivered as HubSpot sends a new company's events. */
const newCompany = (base: number, companyId: number, name: string) => [
  companyCreated(base, companyId),
  companyProperty(base + 1, companyId, 'name', name),
  companyProperty(base + 2, companyId, 'churnguard_region', 'EMEA'),
  companyProperty(base + 3, companyId, 'hubspot_owner_id', '31337'),
];

async function deliver(events: readonly unknown[]): Promise<Outcome> {
  const response = await post(JSON.stringify(events));
  expect(response.status).toBe(200);
  return outcomeSchema.parse(await response.json());
}

/** The deliveries again, as HubSpot retries them a minute later: nothing may change. */
async function expectReplaysChangeNothing(deliveries: readonly (readonly unknown[])[]) {
  const before = await dumpTable(db, dataItems);
  for (const events of deliveries) {
    const again = await post(JSON.stringify(events), { at: new Date(NOW.getTime() + 60_000) });
    expect(again.status).toBe(200);
    expect(outcomeSchema.parse(await again.json()).accounts.created).toEqual([]);
  }
  expect(await dumpTable(db, dataItems)).toEqual(before);
}

describe('HubSpot: an account created from a new company and its renewal deal', () => {
  it('company first, then the association, then the deal: the account, its contract and its countdown', async () => {
    const company = newCompany(6100001, 6001, 'Hooli');
    const association = [dealToCompany(6100010, 9601, 6001)];
    const deal = [
      dealProperty(6100011, 9601, 'closedate', renewalMs('2027-03-31')),
      dealProperty(6100012, 9601, 'amount', '48000'),
    ];

    expect((await deliver(company)).accounts).toEqual({
      created: [],
      waiting: [
        { companyId: '6001', reason: 'no deal of this company has a renewal date and an amount yet' },
      ],
    });
    expect((await deliver(association)).accounts.created).toEqual([]);
    expect((await getAccount('6001')).status).toBe(404);

    const made = await deliver(deal);
    expect(made.accounts).toEqual({ created: ['6001'], waiting: [] });
    expect(made.rejected).toBe(0);

    const hooli = accountAnswer.parse((await getAccount('6001')).body);
    expect(hooli).toMatchObject({
      id: '6001',
      name: 'Hooli',
      region: 'EMEA',
      arr: 48000,
      currency: 'USD',
      goLiveDate: '2026-03-31',
      csm: { email: OWNER.email },
      contacts: [],
      contract: { startDate: '2026-03-31', renewalDate: '2027-03-31', arr: 48000 },
    });
    expect(await countdown(db, '6001')).toEqual(countdownFor('2027-03-31'));
    expect(await lookupAccount(db, { kind: 'hubspot_deal', key: '9601' })).toEqual({ accountId: '6001' });

    await expectReplaysChangeNothing([company, association, deal]);
  });

  it('deal first, its association next, the company last: the account is made when the company arrives', async () => {
    const deal = [
      dealProperty(6200011, 9602, 'closedate', renewalMs('2027-05-15')),
      dealProperty(6200012, 9602, 'amount', '36000'),
      dealProperty(6200013, 9602, 'deal_currency_code', 'EUR'),
    ];
    const association = [dealToCompany(6200010, 9602, 6002)];
    const company = newCompany(6200001, 6002, 'Pied Piper');

    const parked = await deliver(deal);
    expect(parked).toMatchObject({ rejected: 0, lookups: { parked: 3 } });
    const linked = await deliver(association);
    // The deal's parked values meet no account yet: held with the company, not refused.
    expect(linked).toMatchObject({ rejected: 0, lookups: { released: 3 } });
    expect(linked.accounts).toEqual({ created: [], waiting: [{ companyId: '6002', reason: 'no name yet' }] });
    expect((await getAccount('6002')).status).toBe(404);

    expect((await deliver(company)).accounts).toEqual({ created: ['6002'], waiting: [] });
    expect(accountAnswer.parse((await getAccount('6002')).body)).toMatchObject({
      name: 'Pied Piper',
      currency: 'EUR',
      arr: 36000,
      contract: { startDate: '2026-05-15', renewalDate: '2027-05-15', arr: 36000 },
    });
    expect(await countdown(db, '6002')).toEqual(countdownFor('2027-05-15'));

    await expectReplaysChangeNothing([deal, association, company]);
  });

  it('everything in one delivery, association after the deal properties; later the close date moves the countdown', async () => {
    const all = [
      dealProperty(6300011, 9603, 'amount', '12000'),
      dealProperty(6300012, 9603, 'closedate', renewalMs('2027-01-10')),
      ...newCompany(6300001, 6003, 'Aviato'),
      dealToCompany(6300010, 9603, 6003),
    ];
    const made = await deliver(all);
    expect(made).toMatchObject({ rejected: 0, accounts: { created: ['6003'], waiting: [] } });
    expect(accountAnswer.parse((await getAccount('6003')).body).contract).toEqual({
      startDate: '2026-01-10',
      renewalDate: '2027-01-10',
      arr: 12000,
    });
    expect(await countdown(db, '6003')).toEqual(countdownFor('2027-01-10'));
    await expectReplaysChangeNothing([all]);

    // From now on an account like any other: the renewal deal's new close date moves its contract and countdown.
    const moved = await deliver([dealProperty(6300020, 9603, 'closedate', renewalMs('2027-02-28'), 5_000)]);
    expect(moved).toMatchObject({ contracts: { applied: 1 }, accounts: { created: [] } });
    expect(accountAnswer.parse((await getAccount('6003')).body).contract.renewalDate).toBe('2027-02-28');
    expect(await countdown(db, '6003')).toEqual(countdownFor('2027-02-28'));
  });

  it('puts a contact that arrived before its company was an account on the account when it is made', async () => {
    const contact = (eventId: number, propertyName: string, propertyValue: string) => ({
      ...common(eventId, 60_000),
      subscriptionType: 'contact.propertyChange',
      objectId: 806,
      propertyName,
      propertyValue,
    });
    const early = [
      contact(6600001, 'email', 'gavin@hooli.example'),
      contact(6600002, 'firstname', 'Gavin'),
      contact(6600003, 'associatedcompanyid', '6006'),
    ];
    expect((await deliver(early)).waitingContacts).toEqual([
      { contactId: '806', reason: 'account "6006" is not known yet' },
    ]);
    const later = [
      ...newCompany(6600010, 6006, 'Hooli XYZ'),
      dealToCompany(6600020, 9606, 6006),
      dealProperty(6600021, 9606, 'closedate', renewalMs('2027-07-01')),
      dealProperty(6600022, 9606, 'amount', '5000'),
    ];
    expect((await deliver(later)).accounts.created).toEqual(['6006']);
    expect(accountAnswer.parse((await getAccount('6006')).body).contacts).toEqual([
      { id: '806', email: 'gavin@hooli.example', name: 'Gavin', role: 'user', timezone: 'UTC' },
    ]);
    await expectReplaysChangeNothing([early, later]);
  });

  it('waits, with why, for an owner the mapping knows, and leaves an existing account alone', async () => {
    const company = [
      companyCreated(6400001, 6004),
      companyProperty(6400002, 6004, 'name', 'Endframe'),
      companyProperty(6400003, 6004, 'churnguard_region', 'AMER'),
      companyProperty(6400004, 6004, 'hubspot_owner_id', '99999'),
      dealToCompany(6400010, 9604, 6004),
      dealProperty(6400011, 9604, 'closedate', renewalMs('2027-04-01')),
      dealProperty(6400012, 9604, 'amount', '9000'),
    ];
    expect((await deliver(company)).accounts).toEqual({
      created: [],
      waiting: [{ companyId: '6004', reason: 'owner "99999" is not in hubspot.owners' }],
    });
    expect((await getAccount('6004')).status).toBe(404);
  });

  it('does not make an account of a deal whose renewal was lost', async () => {
    const lost = [
      ...newCompany(6500001, 6005, 'Nucleus'),
      dealToCompany(6500010, 9605, 6005),
      dealProperty(6500011, 9605, 'closedate', renewalMs('2027-04-01')),
      dealProperty(6500012, 9605, 'amount', '9000'),
      dealProperty(6500013, 9605, 'dealstage', 'closedlost'),
    ];
    expect((await deliver(lost)).accounts).toEqual({
      created: [],
      waiting: [
        { companyId: '6005', reason: 'no deal of this company has a renewal date and an amount yet' },
      ],
    });
    expect((await getAccount('6005')).status).toBe(404);
  });
});

describe('HubSpot: companies not in hubspot.companies when companyIdIsAccountId is off', () => {
  let strict: { base: string; close(): Promise<void> };
  let strictPost: ReturnType<typeof hubspotPoster>;
  beforeAll(async () => {
    strict = await serveLocally(
      webhookDeps(db, {
        hubspot: {
          companyIdIsAccountId: false,
          companies: { '7001': 'initech-emea' },
          owners: { '31337': OWNER },
        },
      }),
    );
    strictPost = hubspotPoster(strict.base);
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('makes the mapped company the account it is mapped to, and says an unmapped one is not mapped', async () => {
    const events = [
      ...newCompany(7100001, 7001, 'Initech'),
      dealToCompany(7100010, 9701, 7001),
      dealProperty(7100011, 9701, 'closedate', renewalMs('2027-06-30')),
      dealProperty(7100012, 9701, 'amount', '20000'),
      companyCreated(7100020, 7002),
    ];
    const response = await strictPost(JSON.stringify(events));
    expect(response.status).toBe(200);
    const outcome = outcomeSchema.parse(await response.json());
    expect(outcome.accounts).toEqual({
      created: ['initech-emea'],
      waiting: [
        {
          companyId: '7002',
          reason: 'company 7002 is not in hubspot.companies (companyIdIsAccountId is off)',
        },
      ],
    });
    expect(accountAnswer.parse((await getAccount('initech-emea')).body)).toMatchObject({
      name: 'Initech',
      contract: { renewalDate: '2027-06-30', arr: 20000 },
    });
    expect((await getAccount('7002')).status).toBe(404);
  });
});

describe("HubSpot's generic webhook format (object.*)", () => {
  /**
   * Generic subscriptions name the object by `objectTypeId` (0-1 contact, 0-2 company, 0-3 deal) instead of the
   * subscription type's prefix: https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions
   * and https://developers.hubspot.com/docs/apps/legacy-apps/public-apps/create-generic-webhook-subscriptions
   * (payload fields as there: eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber,
   * objectId, objectTypeId, propertyName, propertyValue, changeSource, sourceId, isSensitive; an association names
   * both sides' types, fromObjectTypeId and toObjectTypeId).
   */
  const generic = (eventId: number, ago: number) => ({
    eventId,
    subscriptionId: 3849713,
    portalId: 145883449,
    appId: 14947547,
    occurredAt: NOW.getTime() - ago,
    attemptNumber: 0,
    changeSource: 'CRM_UI',
    sourceId: 'userId:75514748',
  });
  const created = (eventId: number, objectTypeId: string, objectId: number) => ({
    ...generic(eventId, 50_000),
    subscriptionType: 'object.creation',
    objectId,
    objectTypeId,
  });
  const changed = (
    eventId: number,
    objectTypeId: string,
    objectId: number,
    propertyName: string,
    propertyValue: string,
  ) => ({
    ...generic(eventId, 40_000),
    subscriptionType: 'object.propertyChange',
    objectId,
    objectTypeId,
    propertyName,
    propertyValue,
    isSensitive: false,
  });
  const associated = (eventId: number, dealId: number, companyId: number) => ({
    ...generic(eventId, 30_000),
    subscriptionType: 'object.associationChange',
    fromObjectTypeId: '0-3',
    fromObjectId: dealId,
    toObjectTypeId: '0-2',
    toObjectId: companyId,
    associationRemoved: false,
    isPrimaryAssociation: true,
  });

  it('makes the same account of a new company and its deal, and ignores object types it does not read', async () => {
    const events = [
      created(8100001, '0-2', 6801),
      changed(8100002, '0-2', 6801, 'name', 'Raviga'),
      changed(8100003, '0-2', 6801, 'churnguard_region', 'APAC'),
      changed(8100004, '0-2', 6801, 'hubspot_owner_id', '31337'),
      created(8100005, '0-3', 9801),
      associated(8100006, 9801, 6801),
      changed(8100007, '0-3', 9801, 'closedate', renewalMs('2027-08-31')),
      changed(8100008, '0-3', 9801, 'amount', '64000'),
      changed(8100009, '0-5', 555, 'subject', 'a ticket'),
    ];
    const outcome = await deliver(events);
    expect(outcome).toMatchObject({ rejected: 0, links: 1, accounts: { created: ['6801'], waiting: [] } });
    expect(outcome.ignoredRecords).toEqual([
      { ref: 'hubspot:event:8100005', reason: 'deal.creation is not read from webhooks' },
      {
        ref: 'hubspot:event:8100009',
        reason: 'object.propertyChange of object type 0-5 is not read from webhooks',
      },
    ]);
    expect(accountAnswer.parse((await getAccount('6801')).body)).toMatchObject({
      name: 'Raviga',
      region: 'APAC',
      csm: { email: OWNER.email },
      contract: { startDate: '2026-08-31', renewalDate: '2027-08-31', arr: 64000 },
    });
    expect(await countdown(db, '6801')).toEqual(countdownFor('2027-08-31'));
    await expectReplaysChangeNothing([events]);
  });
});
