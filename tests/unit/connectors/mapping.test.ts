import { describe, expect, it } from 'vitest';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { fieldErrors } from '#core/validation';

describe('connector mapping config', () => {
  it('has working defaults for every section', () => {
    expect(defaultConnectorMapping).toEqual({
      segment: {
        account: { from: 'groupId' },
        calls: { identify: 'activity', page: 'activity', screen: 'activity' },
        track: { 'Signed In': { type: 'login', copyProperties: [] } },
        unmappedTrack: 'activity',
      },
      contracts: { arrFrom: 'billing' },
      stripe: { metadataKey: 'churnguard_account_id', customers: {} },
      zendesk: { organizations: {}, externalIdIsAccountId: true, satisfaction: { good: 5, bad: 1 } },
      survey: { typeform: { accountHiddenField: 'account_id', emailHiddenField: 'email', forms: {} } },
      hubspot: {
        companies: {},
        companyIdIsAccountId: true,
        companyProperties: { name: 'name', region: 'churnguard_region', owner: 'hubspot_owner_id' },
        contactProperties: {
          email: 'email',
          firstName: 'firstname',
          lastName: 'lastname',
          role: 'jobtitle',
          company: 'associatedcompanyid',
        },
        contactRoles: {},
        owners: {},
        deals: {
          renewalDate: 'closedate',
          amount: 'amount',
          currency: 'deal_currency_code',
          stage: 'dealstage',
          lostStages: ['closedlost'],
          lostOutcome: 'churned',
        },
        newAccounts: { currency: 'USD', contractMonths: 12 },
      },
      posthog: {
        groupType: 'company',
        events: { user_logged_in: { type: 'login' }, $pageview: { type: 'activity' } },
        unmapped: 'ignore',
      },
      salesforce: {
        organizationIds: [],
        accounts: {},
        accountIdIsAccountId: true,
        opportunities: {
          renewalDate: 'CloseDate',
          amount: 'Amount',
          currency: 'CurrencyIsoCode',
          types: ['Renewal', 'Existing Customer - Renewal'],
          lostStages: ['Closed Lost'],
          lostOutcome: 'churned',
        },
      },
    });
  });

  it('keeps defaults beside what a section overrides', () => {
    const mapping = connectorMappingSchema.parse({ zendesk: { satisfaction: { good: 4 } } });
    expect(mapping.zendesk.satisfaction).toEqual({ good: 4, bad: 1 });
  });

  it('fails with the path of each bad setting', () => {
    const parsed = connectorMappingSchema.safeParse({
      segment: { track: { 'Report Created': { type: 'report' } }, account: { from: 'trait' } },
      stripe: { customers: { cus_1: 'has space' } },
      zendesk: { satisfaction: { good: 7 } },
      hubspot: { webhookUrl: 'not a url' },
      posthog: { events: { signup: { type: 'nps' } } },
      salesforce: { organizationIds: ['001000000000001'] },
      pipedrive: {},
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.success ? [] : fieldErrors(parsed.error).map((e) => e.path);
    expect(paths.sort()).toEqual(
      [
        '(root)',
        'segment.account.trait',
        'segment.track.Report Created.type',
        'stripe.customers.cus_1',
        'zendesk.satisfaction.good',
        'hubspot.webhookUrl',
        'posthog.events.signup.type',
        'salesforce.organizationIds[0]',
      ].sort(),
    );
  });
});
