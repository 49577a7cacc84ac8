import type { CrmExportMappingInput } from './crm-export.ts';

/**
 * How `churnguard sync hubspot` reads a HubSpot export unless a mapping file changes it (laid over this as config
 * files are over the default). Each field lists the column a CSV exported from the HubSpot UI has (property labels,
 * "Record ID"; association columns when "Include associated records" is on) and the internal property name an API
 * export (JSON, `/crm/v3/objects/<type>` pages with `associations`) has. HubSpot knows owners by id or name, not
 * by email, so the mapping file must name the CSMs (`owners`, or `defaultOwner`).
 */
export const HUBSPOT_EXPORT_MAPPING = {
  source: 'hubspot',
  files: {
    companies: ['companies.csv', 'companies.json'],
    deals: ['deals.csv', 'deals.json'],
    contacts: ['contacts.csv', 'contacts.json'],
  },
  account: {
    id: ['Record ID', 'hs_object_id'],
    name: ['Company name', 'Name', 'name'],
    region: ['Region', 'churnguard_region'],
    segment: ['Churnguard segment', 'churnguard_segment'],
    tier: ['Churnguard tier', 'churnguard_tier'],
    goLiveDate: ['Go-live date', 'go_live_date'],
    owner: ['Company owner', 'hubspot_owner_id'],
  },
  deals: {
    id: ['Record ID', 'hs_object_id'],
    company: ['Associated Company IDs', 'Associated Company IDs (Primary)', 'associations.companies'],
    renewalDate: ['Close Date', 'closedate'],
    amount: ['Amount', 'amount'],
    currency: ['Currency', 'deal_currency_code'],
    stage: ['Deal Stage', 'dealstage'],
    excludeStages: ['Closed Lost', 'closedlost'],
  },
  contacts: {
    id: ['Record ID', 'hs_object_id'],
    email: ['Email', 'email'],
    firstName: ['First Name', 'firstname'],
    lastName: ['Last Name', 'lastname'],
    company: [
      'Associated Company IDs',
      'Associated Company ID',
      'associatedcompanyid',
      'associations.companies',
    ],
    role: ['Churnguard role', 'churnguard_role'],
    roles: { sponsor: 'sponsor', champion: 'champion', admin: 'admin', user: 'user' },
  },
} satisfies CrmExportMappingInput;
