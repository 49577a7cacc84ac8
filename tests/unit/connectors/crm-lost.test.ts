import { describe, expect, it } from 'vitest';
import { mapHubspotEvents } from '#core/connectors/hubspot';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { mapSalesforceMessage } from '#core/connectors/salesforce';
import { fixtureText } from './fixtures.ts';

/** A lost renewal deal or opportunity resolves the renewal (an outcome signal) and takes its sources out of force. */
const mapping = connectorMappingSchema.parse({
  hubspot: { companies: {} },
  salesforce: { organizationIds: ['00D5e000000AbCdEAK'] },
});

const stageChange = (value: string) => [
  {
    eventId: 77,
    subscriptionId: 2102,
    portalId: 62515,
    occurredAt: Date.parse('2026-05-31T10:00:00Z'),
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId: 9002,
    propertyName: 'dealstage',
    propertyValue: value,
  },
];

describe('a lost renewal from the CRM', () => {
  it('HubSpot closedlost: a churned outcome and both of the deal’s sources closed, waiting for the deal’s account', () => {
    const result = mapHubspotEvents(stageChange('closedlost'), mapping);
    expect(result.needsAccount).toEqual([
      {
        kind: 'signal',
        needsAccountFor: { kind: 'hubspot_deal', key: '9002' },
        signal: {
          id: 'hubspot:deal:9002:lost',
          type: 'renewal_outcome',
          occurredAt: '2026-05-31T10:00:00.000Z',
          attributes: { outcome: 'churned', deal: '9002', stage: 'closedlost' },
        },
      },
      ...['renewal', 'amount'].map((part) => ({
        kind: 'accountPatch',
        needsAccountFor: { kind: 'hubspot_deal', key: '9002' },
        patch: {
          source: 'hubspot',
          sourceRef: `hubspot:deal:9002:${part}`,
          eventId: '77',
          observedAt: '2026-05-31T10:00:00.000Z',
          status: 'closed_lost',
        },
      })),
    ]);
  });

  it('HubSpot: another stage is ignored with why; the outcome and lost stages are configurable', () => {
    expect(mapHubspotEvents(stageChange('contractsent'), mapping).ignored).toEqual([
      {
        ref: 'hubspot:event:77',
        reason: 'dealstage "contractsent" is not a lost stage (hubspot.deals.lostStages)',
      },
    ]);
    const custom = connectorMappingSchema.parse({
      hubspot: { deals: { lostStages: ['renewal_lost'], lostOutcome: 'contracted' } },
    });
    const [pending] = mapHubspotEvents(stageChange('renewal_lost'), custom).needsAccount;
    expect(pending?.kind === 'signal' && pending.signal.attributes).toMatchObject({ outcome: 'contracted' });
  });

  it('Salesforce Closed Lost (IsClosed true, IsWon false): a churned outcome for the account, its opportunity closed', () => {
    const result = mapSalesforceMessage(fixtureText('salesforce-outbound-closed-lost.xml'), mapping);
    expect(result.signals).toEqual([
      {
        id: 'salesforce:opportunity:0065e00000Q1r2bAAB:lost',
        accountId: '0015e00000K7aBdAAF',
        type: 'renewal_outcome',
        occurredAt: '2026-05-31T11:00:00.000Z',
        attributes: { outcome: 'churned', opportunity: '0065e00000Q1r2bAAB', stage: 'Closed Lost' },
      },
    ]);
    expect(result.accountPatches).toEqual([
      {
        accountId: '0015e00000K7aBdAAF',
        source: 'salesforce',
        sourceRef: 'salesforce:opportunity:0065e00000Q1r2bAAB',
        eventId: '04l5e00000A1b2EAAR',
        observedAt: '2026-05-31T11:00:00.000Z',
        status: 'closed_lost',
      },
    ]);
  });
});
