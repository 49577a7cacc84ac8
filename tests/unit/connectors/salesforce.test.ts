import { describe, expect, it } from 'vitest';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { mapSalesforceMessage, verifySalesforceMessage } from '#core/connectors/salesforce';
import { fixtureText } from './fixtures.ts';

/** The outbound message fixture follows the `notifications` WSDL in Salesforce's "Outbound Messaging" guide. */
const message = fixtureText('salesforce-outbound-opportunity.xml');
const ORG = '00D5e000000AbCdEAK';
const mapping = connectorMappingSchema.parse({ salesforce: { organizationIds: [ORG] } });

describe('Salesforce outbound message authenticity', () => {
  const verify = (token: string | undefined, orgs: string[] = [ORG], header?: string) =>
    verifySalesforceMessage(
      message,
      token,
      header,
      'sf-secret',
      connectorMappingSchema.parse({ salesforce: { organizationIds: orgs } }).salesforce,
    );

  it("accepts churnguard's secret in the URL (or a header) from a listed org, by its 15- or 18-character id", () => {
    expect(verify('sf-secret')).toEqual({ ok: true });
    expect(verify(undefined, [ORG.slice(0, 15)], 'sf-secret')).toEqual({ ok: true });
  });

  it('refuses a wrong or missing token, and an org not listed', () => {
    expect(verify('guess')).toEqual({ ok: false, reason: 'token does not match' });
    expect(verify(undefined)).toEqual({
      ok: false,
      reason: 'missing the token parameter in the URL (or X-Churnguard-Secret header)',
    });
    expect(verify('sf-secret', ['00D000000000001AAA'])).toEqual({
      ok: false,
      reason: `organization ${ORG} is not in salesforce.organizationIds`,
    });
    expect(verify('sf-secret', [])).toMatchObject({ ok: false });
  });
});

describe('Salesforce outbound messages', () => {
  it('maps a renewal opportunity to a contract patch of its account; other types are ignored with why', () => {
    const result = mapSalesforceMessage(message, mapping);
    expect(result.rejected).toBeUndefined();
    expect(result.accountPatches).toEqual([
      {
        accountId: '0015e00000K7aBcAAF',
        source: 'salesforce',
        sourceRef: 'salesforce:opportunity:0065e00000Q1r2sAAB',
        eventId: '04l5e00000A1b2CAAR',
        observedAt: '2026-05-31T10:15:00.000Z',
        status: 'active',
        contract: { renewalDate: '2027-06-30', arr: 64000 },
        currency: 'EUR',
      },
    ]);
    expect(result.ignored).toEqual([
      {
        ref: 'salesforce:notification:04l5e00000A1b2DAAR',
        reason: 'opportunity type "New Business" is not a renewal type',
      },
    ]);
  });

  it('reads the account table of the mapping', () => {
    const mapped = connectorMappingSchema.parse({
      salesforce: { organizationIds: [ORG], accounts: { '0015e00000K7aBcAAF': 'globex' } },
    });
    expect(mapSalesforceMessage(message, mapped).accountPatches.map((p) => p.accountId)).toEqual(['globex']);
  });

  it('rejects the whole message, naming the field, when a renewal cannot be read', () => {
    const broken = message.replace(
      '<sf:CloseDate>2027-06-30</sf:CloseDate>',
      '<sf:CloseDate>soon</sf:CloseDate>',
    );
    const result = mapSalesforceMessage(broken, mapping);
    expect(result.accountPatches).toEqual([]);
    expect(result.rejected?.errors).toEqual([
      { path: 'Notification[0].sObject.CloseDate', message: '"soon" is not a date' },
    ]);
    const noTime = message.replace(/<sf:LastModifiedDate>[^<]*<\/sf:LastModifiedDate>/, '');
    expect(mapSalesforceMessage(noTime, mapping).rejected?.errors.map((e) => e.path)).toEqual([
      'Notification[0].sObject.LastModifiedDate',
    ]);
  });

  it('rejects the message, naming the field, when a currency or an amount cannot be read', () => {
    const euro = mapSalesforceMessage(
      message.replace(
        '<sf:CurrencyIsoCode>EUR</sf:CurrencyIsoCode>',
        '<sf:CurrencyIsoCode>euro</sf:CurrencyIsoCode>',
      ),
      mapping,
    );
    expect(euro.accountPatches).toEqual([]);
    expect(euro.rejected?.errors).toEqual([
      { path: 'Notification[0].sObject.CurrencyIsoCode', message: '"euro" is not an ISO 4217 code' },
    ]);
    const negative = mapSalesforceMessage(
      message.replace('<sf:Amount>64000.0</sf:Amount>', '<sf:Amount>-5</sf:Amount>'),
      mapping,
    );
    expect(negative.accountPatches).toEqual([]);
    expect(negative.rejected?.errors).toEqual([
      { path: 'Notification[0].sObject.Amount', message: '"-5" is not an amount of at least 0' },
    ]);
  });

  it('refuses what is not an outbound message, and any DTD', () => {
    expect(mapSalesforceMessage('<a>', mapping).rejected?.reason).toMatch(/^not well-formed XML/);
    expect(
      mapSalesforceMessage('<Envelope><Body><other>1</other></Body></Envelope>', mapping).rejected?.errors[0]
        ?.path,
    ).toBe('Envelope.Body.notifications');
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${message.slice(message.indexOf('<soapenv'))}`;
    expect(mapSalesforceMessage(bomb, mapping).rejected?.reason).toBe(
      'a document type declaration is not allowed',
    );
  });
});
