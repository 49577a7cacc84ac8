import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hubspotSignedUri, mapHubspotEvents, verifyHubspotSignature } from '#core/connectors/hubspot';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { fixture, fixtureText } from './fixtures.ts';

/**
 * HubSpot's v3 signature, built from "Validating requests" (developers.hubspot.com/docs/api/webhooks/
 * validating-requests): base64(HMAC-SHA256(client secret, method + URI + body + X-HubSpot-Request-Timestamp)),
 * the request refused when the timestamp is older than 5 minutes.
 */
describe('HubSpot webhook signature v3', () => {
  const body = fixtureText('hubspot-webhook.json');
  const secret = 'hubspot-app-client-secret';
  const uri = 'https://api.example.com/v1/webhooks/hubspot';
  const now = new Date('2026-06-01T12:00:00Z');
  const timestamp = String(now.getTime() - 30_000);
  const sign = (key: string, at: string, url = uri, text = body, method = 'POST') =>
    createHmac('sha256', key).update(`${method}${url}${text}${at}`).digest('base64');
  const request = (signature: string | undefined, at: string | undefined = timestamp, text = body) => ({
    method: 'POST',
    uri,
    rawBody: text,
    signature,
    timestamp: at,
  });

  it('accepts the signature made with the client secret over method, URI, body and timestamp', () => {
    expect(verifyHubspotSignature(request(sign(secret, timestamp)), secret, now)).toEqual({ ok: true });
    // Any of several secrets (while one is rolled).
    expect(verifyHubspotSignature(request(sign(secret, timestamp)), ['old', secret], now).ok).toBe(true);
  });

  it('refuses another secret, another URI, another method, a changed body and a changed timestamp', () => {
    const refusedFor = (signature: string, at = timestamp, text = body) =>
      verifyHubspotSignature(request(signature, at, text), secret, now);
    expect(refusedFor(sign('other', timestamp))).toEqual({ ok: false, reason: 'signature does not match' });
    expect(refusedFor(sign(secret, timestamp, 'https://elsewhere.example/v1/webhooks/hubspot')).ok).toBe(
      false,
    );
    expect(refusedFor(sign(secret, timestamp, uri, body, 'PUT')).ok).toBe(false);
    expect(refusedFor(sign(secret, timestamp), timestamp, `${body} `).ok).toBe(false);
    expect(refusedFor(sign(secret, timestamp), String(Number(timestamp) + 1)).ok).toBe(false);
  });

  it('refuses a correctly signed request older than 5 minutes', () => {
    const stale = String(now.getTime() - 5 * 60_000 - 1);
    expect(verifyHubspotSignature(request(sign(secret, stale), stale), secret, now)).toEqual({
      ok: false,
      reason: 'timestamp is more than 300 seconds from now',
    });
    const fresh = String(now.getTime() - 5 * 60_000);
    expect(verifyHubspotSignature(request(sign(secret, fresh), fresh), secret, now).ok).toBe(true);
  });

  it('names a missing header or secret', () => {
    expect(verifyHubspotSignature(request(undefined), secret, now)).toEqual({
      ok: false,
      reason: 'missing X-HubSpot-Signature-v3 header',
    });
    expect(verifyHubspotSignature(request(sign(secret, ''), ''), secret, now)).toEqual({
      ok: false,
      reason: 'missing X-HubSpot-Request-Timestamp header',
    });
    expect(verifyHubspotSignature(request('x'), [], now)).toEqual({
      ok: false,
      reason: 'no HubSpot client secret is configured',
    });
  });

  it('signs the URI with the characters HubSpot decodes decoded', () => {
    expect(hubspotSignedUri('https://h.example/v1/webhooks/hubspot?a=b%3Ac%2Fd%20e')).toBe(
      'https://h.example/v1/webhooks/hubspot?a=b:c/d%20e',
    );
  });
});

describe('HubSpot webhook events', () => {
  it('maps a renewal deal: its company, its new close date and amount as contract patches by deal', () => {
    const result = mapHubspotEvents(fixture('hubspot-webhook.json'), defaultConnectorMapping);
    expect(result.rejected).toBeUndefined();
    expect(result.links).toEqual([
      {
        kind: 'hubspot_deal',
        key: '9001',
        accountId: '5001',
        at: '2026-05-30T09:00:00.000Z',
        sourceRef: 'hubspot:event:4100001',
      },
    ]);
    expect(result.needsAccount).toEqual([
      {
        kind: 'accountPatch',
        needsAccountFor: { kind: 'hubspot_deal', key: '9001' },
        patch: {
          source: 'hubspot',
          sourceRef: 'hubspot:deal:9001:renewal',
          eventId: '4100002',
          observedAt: '2026-05-30T09:00:00.000Z',
          status: 'active',
          contract: { renewalDate: '2027-03-01' },
        },
      },
      {
        kind: 'accountPatch',
        needsAccountFor: { kind: 'hubspot_deal', key: '9001' },
        patch: {
          source: 'hubspot',
          sourceRef: 'hubspot:deal:9001:amount',
          eventId: '4100003',
          observedAt: '2026-05-30T09:00:00.000Z',
          status: 'active',
          contract: { arr: 54000 },
        },
      },
    ]);
    expect(result.ignored).toEqual([
      {
        ref: 'hubspot:event:4100004',
        reason: 'contact property lifecyclestage is not mapped',
      },
    ]);
  });

  it('reads the properties and company table the mapping names', () => {
    const mapping = connectorMappingSchema.parse({
      hubspot: { deals: { renewalDate: 'renewal_date' }, companies: { '5001': 'initrode' } },
    });
    const events = [
      {
        eventId: 1,
        subscriptionType: 'deal.propertyChange',
        occurredAt: 1780131600000,
        objectId: 7,
        propertyName: 'renewal_date',
        propertyValue: '2027-04-30',
      },
      {
        eventId: 2,
        subscriptionType: 'deal.propertyChange',
        occurredAt: 1780131600000,
        objectId: 7,
        propertyName: 'closedate',
        propertyValue: '1803859200000',
      },
      {
        eventId: 3,
        subscriptionType: 'deal.associationChange',
        occurredAt: 1780131600000,
        associationType: 'DEAL_TO_COMPANY',
        fromObjectId: 7,
        toObjectId: 5001,
      },
    ];
    const result = mapHubspotEvents(events, mapping);
    expect(result.needsAccount.map((p) => p.kind === 'accountPatch' && p.patch.contract)).toEqual([
      { renewalDate: '2027-04-30' },
    ]);
    expect(result.ignored.map((i) => i.reason)).toEqual(['deal property closedate is not mapped']);
    expect(result.links?.map((l) => [l.key, l.accountId])).toEqual([['7', 'initrode']]);
  });

  it('rejects the whole body, naming the event and field, when a mapped value cannot be read', () => {
    const events = [
      {
        eventId: 1,
        subscriptionType: 'deal.propertyChange',
        occurredAt: 1780131600000,
        objectId: 7,
        propertyName: 'amount',
        propertyValue: '54000',
      },
      {
        eventId: 2,
        subscriptionType: 'deal.propertyChange',
        occurredAt: 1780131600000,
        objectId: 7,
        propertyName: 'closedate',
        propertyValue: 'next spring',
      },
      {
        eventId: 3,
        subscriptionType: 'deal.propertyChange',
        occurredAt: 1780131600000,
        objectId: 7,
        propertyName: 'deal_currency_code',
        propertyValue: 'euro',
      },
    ];
    const result = mapHubspotEvents(events, defaultConnectorMapping);
    expect(result.needsAccount).toEqual([]);
    expect(result.rejected?.errors).toEqual([
      { path: '[1].propertyValue', message: 'closedate must be a date (Unix ms or YYYY-MM-DD)' },
      { path: '[2].propertyValue', message: 'deal_currency_code must be an ISO 4217 code such as USD' },
    ]);
  });

  it('keeps the renewal date and currency when a deal clears them, saying so', () => {
    const cleared = (eventId: number, propertyName: string) => ({
      eventId,
      subscriptionType: 'deal.propertyChange',
      occurredAt: 1780131600000,
      objectId: 7,
      propertyName,
      propertyValue: '',
    });
    const result = mapHubspotEvents(
      [cleared(1, 'closedate'), cleared(2, 'deal_currency_code')],
      defaultConnectorMapping,
    );
    expect(result.rejected).toBeUndefined();
    expect(result.needsAccount).toEqual([]);
    expect(result.ignored.map((i) => i.reason)).toEqual([
      'closedate was cleared: the renewal date is kept',
      'deal_currency_code was cleared: the currency is kept',
    ]);
  });

  it('rejects a body that is not the array of events, naming the field', () => {
    expect(mapHubspotEvents({ eventId: 1 }, defaultConnectorMapping).rejected?.reason).toBe(
      'expected the JSON array of HubSpot webhook events',
    );
    const noTime = mapHubspotEvents(
      [{ eventId: 1, subscriptionType: 'deal.creation' }],
      defaultConnectorMapping,
    );
    expect(noTime.rejected?.errors.map((e) => e.path)).toEqual(['[0].occurredAt']);
  });
});

describe('HubSpot company property changes', () => {
  const mapping = connectorMappingSchema.parse({
    hubspot: {
      companies: { '8547123': 'initech' },
      owners: { '31337': { name: 'Dana Park', email: 'dana@vendor.example' } },
    },
  });
  const change = (propertyName: string, propertyValue: string | null) => [
    {
      eventId: 4,
      subscriptionId: 2201,
      portalId: 62515,
      occurredAt: Date.parse('2026-05-31T10:00:00Z'),
      subscriptionType: 'company.propertyChange',
      attemptNumber: 0,
      objectId: 8547123,
      changeSource: 'CRM_UI',
      propertyName,
      propertyValue,
    },
  ];
  const common = {
    accountId: 'initech',
    source: 'hubspot',
    eventId: '4',
    observedAt: '2026-05-31T10:00:00.000Z',
  };

  it("maps the name, the region property and the owner (through hubspot.owners) to the company's account", () => {
    expect(mapHubspotEvents(change('name', 'Initech AG'), mapping).profileChanges).toEqual([
      { ...common, field: 'name', value: 'Initech AG' },
    ]);
    expect(mapHubspotEvents(change('churnguard_region', 'EMEA'), mapping).profileChanges).toEqual([
      { ...common, field: 'region', value: 'EMEA' },
    ]);
    expect(mapHubspotEvents(change('hubspot_owner_id', '31337'), mapping).profileChanges).toEqual([
      { ...common, field: 'csm', value: { name: 'Dana Park', email: 'dana@vendor.example' } },
    ]);
  });

  it('sets aside an unknown owner and an unmapped property with why, and refuses an empty name by its path', () => {
    expect(mapHubspotEvents(change('hubspot_owner_id', '999'), mapping).ignored).toEqual([
      { ref: 'hubspot:event:4', reason: 'owner "999" is not in hubspot.owners: the CSM is kept' },
    ]);
    expect(mapHubspotEvents(change('industry', 'Software'), mapping).ignored).toEqual([
      { ref: 'hubspot:event:4', reason: 'company property industry is not mapped' },
    ]);
    expect(mapHubspotEvents(change('name', null), mapping).rejected?.errors).toEqual([
      expect.objectContaining({ path: '[0].propertyValue' }),
    ]);
  });
});

/**
 * HubSpot's generic subscriptions (`object.*`) name the object by `objectTypeId` (0-1 contact, 0-2 company, 0-3
 * deal), the association's two sides by `fromObjectTypeId` and `toObjectTypeId`:
 * https://developers.hubspot.com/changelog/public-beta-generic-webhook-subscriptions and
 * https://developers.hubspot.com/docs/apps/legacy-apps/public-apps/create-generic-webhook-subscriptions
 * Each is read exactly as the legacy event of the same meaning.
 */
describe('HubSpot generic webhook events', () => {
  const at = Date.parse('2026-06-01T11:59:00Z');
  const common = (eventId: number) => ({
    eventId,
    subscriptionId: 3849713,
    portalId: 145883449,
    appId: 14947547,
    occurredAt: at,
    attemptNumber: 0,
    changeSource: 'CRM_UI',
    sourceId: 'userId:75514748',
  });
  const property = (eventId: number, objectId: number, propertyName: string, propertyValue: string) => ({
    ...common(eventId),
    objectId,
    propertyName,
    propertyValue,
    isSensitive: false,
  });
  const legacy = [
    { ...property(1, 9001, 'closedate', '2027-03-31'), subscriptionType: 'deal.propertyChange' },
    { ...property(2, 5001, 'name', 'Initrode'), subscriptionType: 'company.propertyChange' },
    { ...property(3, 801, 'email', 'nora@initrode.example'), subscriptionType: 'contact.propertyChange' },
    { ...common(4), subscriptionType: 'company.creation', objectId: 5001 },
    { ...common(5), subscriptionType: 'contact.deletion', objectId: 802 },
    {
      ...common(6),
      subscriptionType: 'deal.associationChange',
      associationType: 'DEAL_TO_COMPANY',
      fromObjectId: 9001,
      toObjectId: 5001,
      associationRemoved: false,
    },
  ];
  const generic = [
    {
      ...property(1, 9001, 'closedate', '2027-03-31'),
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-3',
    },
    {
      ...property(2, 5001, 'name', 'Initrode'),
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-2',
    },
    {
      ...property(3, 801, 'email', 'nora@initrode.example'),
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-1',
    },
    { ...common(4), subscriptionType: 'object.creation', objectTypeId: '0-2', objectId: 5001 },
    { ...common(5), subscriptionType: 'object.deletion', objectTypeId: '0-1', objectId: 802 },
    {
      ...common(6),
      subscriptionType: 'object.associationChange',
      fromObjectTypeId: '0-3',
      fromObjectId: 9001,
      toObjectTypeId: '0-2',
      toObjectId: 5001,
      associationRemoved: false,
      isPrimaryAssociation: true,
    },
  ];

  it('maps every generic event as the legacy event of the same meaning', () => {
    const fromLegacy = mapHubspotEvents(legacy, defaultConnectorMapping);
    expect(fromLegacy.rejected).toBeUndefined();
    expect(fromLegacy.heldEvents?.length).toBeGreaterThan(0);
    expect(mapHubspotEvents(generic, defaultConnectorMapping)).toEqual(fromLegacy);
  });

  it('ignores, by their generic name, object types churnguard does not read and associations it does not use', () => {
    const ticket = {
      ...property(7, 55, 'subject', 'Help'),
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-5',
    };
    const companyToDeal = {
      ...common(8),
      subscriptionType: 'object.associationChange',
      fromObjectTypeId: '0-2',
      fromObjectId: 5001,
      toObjectTypeId: '0-3',
      toObjectId: 9001,
      associationRemoved: false,
    };
    expect(mapHubspotEvents([ticket, companyToDeal], defaultConnectorMapping).ignored).toEqual([
      {
        ref: 'hubspot:event:7',
        reason: 'object.propertyChange of object type 0-5 is not read from webhooks',
      },
      { ref: 'hubspot:event:8', reason: 'company.associationChange is not read from webhooks' },
    ]);
  });
});
