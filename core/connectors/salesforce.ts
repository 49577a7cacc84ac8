import { XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { lostRenewal } from './crm-lost.ts';
import { crmAmount, crmCurrency, crmDate } from './crm-values.ts';
import { anyEqual, refused, type Secrets, secretList, type Verification, verified } from './crypto.ts';
import type { ConnectorMapping, SalesforceMapping } from './mapping.ts';
import {
  type AccountResolution,
  accountRef,
  type ConnectorResult,
  emitPatch,
  emitSignal,
  emptyResult,
  isoInstant,
  rejectedResult,
  scalarText,
} from './shared.ts';

/**
 * Salesforce -> contracts, from Outbound Messages: a workflow rule or flow sends a SOAP `notifications` message
 * (up to 100 `Notification`s, each an sObject with the fields chosen when the message was defined) to an endpoint,
 * and retries until the endpoint answers a SOAP `Ack` of true (Salesforce API guide, "Outbound Messaging": the
 * `notifications()` call and its WSDL). Messages are not signed: churnguard accepts one only when its
 * `OrganizationId` is one of the mapping's `organizationIds` and the endpoint URL carries churnguard's secret
 * (`?token=<secret>`, since an outbound message cannot add a header; a relay may send `X-Churnguard-Secret`).
 *
 * An Opportunity of a renewal type becomes a contract patch of its account (`salesforce:opportunity:<Id>`): close
 * date as the renewal date, amount as ARR, `CurrencyIsoCode` as the currency. Define the message with at least
 * `Id`, `AccountId`, `CloseDate`, `Amount`, `Type`, `StageName`, `IsClosed`, `IsWon` and `LastModifiedDate` (which
 * orders deliveries: Salesforce retries out of order). Accounts and contacts come from the export
 * (`churnguard import <dir> --mapping examples/salesforce/mapping.json`).
 */

export const SALESFORCE_SECRET_PARAMETER = 'token';
export const SALESFORCE_SECRET_HEADER = 'x-churnguard-secret';

/** The answer Salesforce waits for; anything else is retried for up to 24 hours. */
export const SALESFORCE_ACK =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>' +
  '</soapenv:Body></soapenv:Envelope>';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'Notification',
});

const text = z.string();
/** Salesforce record ids: 15 or 18 letters and digits. */
const salesforceId = z.string().regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/, 'must be a Salesforce id');
const notification = z.looseObject({
  Id: salesforceId,
  sObject: z.record(z.string(), z.unknown()),
});
const envelope = z.looseObject({
  Envelope: z.looseObject({
    Body: z.looseObject({
      notifications: z.looseObject({
        OrganizationId: salesforceId,
        ActionId: text.optional(),
        Notification: z.array(notification).min(1).max(100),
      }),
    }),
  }),
});
export type OutboundMessage = z.infer<typeof envelope>['Envelope']['Body']['notifications'];

export class SalesforceXmlError extends Error {
  override name = 'SalesforceXmlError';
}

/**
 * Parses an outbound message. A DTD is refused outright (SOAP messages have none; entity declarations are how
 * XML bombs and external entities get in), as is anything that is not a `notifications` envelope, with the path.
 */
export function parseOutboundMessage(
  xml: string,
): { message: OutboundMessage } | { error: z.ZodError | string } {
  if (/<!DOCTYPE/i.test(xml)) return { error: 'a document type declaration is not allowed' };
  let tree: unknown;
  try {
    tree = parser.parse(xml, true);
  } catch (error) {
    return { error: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = envelope.safeParse(tree);
  if (!parsed.success) return { error: parsed.error };
  return { message: parsed.data.Envelope.Body.notifications };
}

/**
 * Verifies an outbound message: churnguard's secret in the URL's `token` parameter (or the X-Churnguard-Secret
 * header), and an `OrganizationId` the mapping lists. Both, because the org id alone is no secret.
 */
export function verifySalesforceMessage(
  rawBody: string,
  token: string | undefined,
  secretHeader: string | undefined,
  secrets: Secrets,
  mapping: SalesforceMapping,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Salesforce secret is configured');
  const given = token?.trim() || secretHeader?.trim();
  if (!given) return refused('missing the token parameter in the URL (or X-Churnguard-Secret header)');
  if (!anyEqual([given], keys)) return refused('token does not match');
  const parsed = parseOutboundMessage(rawBody);
  if ('error' in parsed) return refused('body is not a Salesforce outbound message');
  const org = parsed.message.OrganizationId;
  // Salesforce sends the 18-character id; the setup page shows 15: compare the first 15 (case-sensitive).
  if (!mapping.organizationIds.some((id) => id.slice(0, 15) === org.slice(0, 15))) {
    return refused(`organization ${org} is not in salesforce.organizationIds`);
  }
  return verified;
}

function accountFor(value: unknown, mapping: SalesforceMapping): AccountResolution {
  const id = scalarText(value);
  if (!id) return { missing: 'opportunity has no AccountId' };
  if (Object.hasOwn(mapping.accounts, id)) {
    const mapped = mapping.accounts[id];
    if (mapped) return { accountId: mapped };
  }
  if (!mapping.accountIdIsAccountId) return { missing: `account ${id} is not in salesforce.accounts` };
  const ref = accountRef(id);
  if (!ref) return { missing: 'no AccountId' };
  return 'accountId' in ref ? ref : { missing: ref.invalid };
}

const field = (sObject: Record<string, unknown>, name: string) => scalarText(sObject[name]);

/**
 * Maps an outbound message (the raw XML). A message that is not a `notifications` envelope, or an Opportunity of a
 * renewal type whose date, amount, currency or modification time cannot be read, rejects the whole message (400,
 * naming `Notification[i].<field>`), so none of it is stored.
 */
export function mapSalesforceMessage(xml: unknown, mapping: ConnectorMapping): ConnectorResult {
  if (typeof xml !== 'string') return rejectedResult('expected the outbound message XML');
  const parsed = parseOutboundMessage(xml);
  if ('error' in parsed) {
    if (typeof parsed.error === 'string') return rejectedResult(parsed.error);
    return rejectedResult(
      'expected a Salesforce outbound message (soapenv:Envelope > notifications)',
      parsed.error,
    );
  }
  const section = mapping.salesforce;
  const m = section.opportunities;
  const result = emptyResult();
  const errors: { path: string; message: string }[] = [];
  for (const [i, { Id: notificationId, sObject }] of parsed.message.Notification.entries()) {
    const ref = `salesforce:notification:${notificationId}`;
    const type = String(sObject['@type'] ?? '').replace(/^.*:/, '');
    if (type !== 'Opportunity') {
      result.ignored.push({
        ref,
        reason: `${type || 'an sObject'} is not read from outbound messages; accounts and contacts come from the export`,
      });
      continue;
    }
    const oppType = field(sObject, 'Type');
    if (m.types.length > 0 && (oppType === undefined || !m.types.includes(oppType))) {
      result.ignored.push({ ref, reason: `opportunity type "${oppType ?? ''}" is not a renewal type` });
      continue;
    }
    const path = (name: string) => `Notification[${i}].sObject.${name}`;
    const idText = field(sObject, 'Id');
    const id = idText !== undefined && salesforceId.safeParse(idText).success ? idText : undefined;
    const observedAt = isoInstant(field(sObject, 'LastModifiedDate') ?? field(sObject, 'SystemModstamp'));
    const missingObservedAt = {
      path: path('LastModifiedDate'),
      message: 'is missing: add it to the outbound message fields',
    };
    const stage = field(sObject, 'StageName') ?? '';
    const closedLost =
      (field(sObject, 'IsClosed') === 'true' && field(sObject, 'IsWon') === 'false') ||
      m.lostStages.includes(stage);
    if (closedLost) {
      if (!id) errors.push({ path: path('Id'), message: 'is missing or not a Salesforce id' });
      if (!observedAt) errors.push(missingObservedAt);
      if (!id || !observedAt) continue;
      const lost = lostRenewal({
        source: 'salesforce',
        kind: 'opportunity',
        id,
        sourceRefs: [`salesforce:opportunity:${id}`],
        eventId: notificationId,
        observedAt,
        outcome: m.lostOutcome,
        stage: stage || 'closed lost',
      });
      const account = accountFor(sObject.AccountId, section);
      emitSignal(result, lost.signal, account);
      for (const patch of lost.patches) emitPatch(result, patch, account);
      continue;
    }
    const renewalText = field(sObject, m.renewalDate);
    const renewalDate = crmDate(renewalText);
    const amountText = field(sObject, m.amount);
    const arr = amountText === undefined ? undefined : crmAmount(amountText);
    const currencyText = field(sObject, m.currency);
    const currency = currencyText === undefined ? undefined : crmCurrency(currencyText);
    if (!id) errors.push({ path: path('Id'), message: 'is missing or not a Salesforce id' });
    if (!renewalDate)
      errors.push({ path: path(m.renewalDate), message: `"${renewalText ?? ''}" is not a date` });
    if (amountText !== undefined && arr === undefined)
      errors.push({ path: path(m.amount), message: `"${amountText}" is not an amount of at least 0` });
    if (currencyText !== undefined && !currency)
      errors.push({ path: path(m.currency), message: `"${currencyText}" is not an ISO 4217 code` });
    if (!observedAt) errors.push(missingObservedAt);
    if (!id || !renewalDate || !observedAt || (amountText !== undefined && arr === undefined)) continue;
    emitPatch(
      result,
      {
        source: 'salesforce',
        sourceRef: `salesforce:opportunity:${id}`,
        eventId: notificationId,
        observedAt,
        status: 'active',
        contract: {
          renewalDate,
          ...(arr === undefined ? { arrUnavailable: `${m.amount} not sent` } : { arr }),
        },
        ...(currency ? { currency } : {}),
      },
      accountFor(sObject.AccountId, section),
    );
  }
  if (errors.length > 0) {
    return {
      ...emptyResult(),
      rejected: { reason: 'Salesforce opportunities with unreadable fields', errors },
    };
  }
  return result;
}
