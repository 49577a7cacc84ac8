import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CrmRow, crmExportMappingSchema, mapCrmExport } from '#core/connectors/crm-export';
import { crmDate } from '#core/connectors/crm-values';
import { HUBSPOT_EXPORT_MAPPING } from '#core/connectors/hubspot-export';
import { loadCrmMapping, readExportFile } from '../../../cli/commands/crm-sync.ts';

const hubspot = crmExportMappingSchema.parse({
  ...HUBSPOT_EXPORT_MAPPING,
  owners: { '111': { name: 'Cara Smith', email: 'cara@vendor.example' } },
  account: { ...HUBSPOT_EXPORT_MAPPING.account, defaultRegion: 'EMEA' },
});

const row = (file: string, line: number, values: Record<string, string>): CrmRow => ({ file, line, values });

describe('CRM export -> accounts', () => {
  it('reads a HubSpot API export (JSON pages with properties and associations) as it reads the UI CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubspot-json-'));
    const page = (results: unknown[]) => JSON.stringify({ results, paging: {} });
    writeFileSync(
      join(dir, 'companies.json'),
      page([
        {
          id: '5001',
          properties: { name: 'Initrode', hubspot_owner_id: '111', hs_object_id: '5001' },
          archived: false,
        },
      ]),
    );
    writeFileSync(
      join(dir, 'deals.json'),
      page([
        {
          id: '9002',
          properties: {
            closedate: '2027-01-31T00:00:00Z',
            amount: '52000',
            deal_currency_code: 'EUR',
            dealstage: 'contractsent',
          },
          associations: { companies: { results: [{ id: '5001', type: 'deal_to_company' }] } },
        },
      ]),
    );
    writeFileSync(
      join(dir, 'contacts.json'),
      page([
        {
          id: '301',
          properties: { email: 'ingrid@initrode.example', firstname: 'Ingrid', associatedcompanyid: '5001' },
        },
      ]),
    );
    const rows = {
      companies: readExportFile(join(dir, 'companies.json')),
      deals: readExportFile(join(dir, 'deals.json')),
      contacts: readExportFile(join(dir, 'contacts.json')),
    };
    const result = mapCrmExport(rows, hubspot);
    expect(result.rejected).toEqual([]);
    expect(result.accounts.map((a) => a.record)).toEqual([
      {
        id: '5001',
        name: 'Initrode',
        region: 'EMEA',
        arr: 52000,
        currency: 'EUR',
        goLiveDate: '2026-01-31',
        csm: { name: 'Cara Smith', email: 'cara@vendor.example' },
        contacts: [
          { id: '301', email: 'ingrid@initrode.example', name: 'Ingrid', role: 'user', timezone: 'UTC' },
        ],
        contract: { startDate: '2026-01-31', renewalDate: '2027-01-31', arr: 52000 },
        externalIds: [{ kind: 'hubspot_deal', id: '9002' }],
      },
    ]);
  });

  it('refuses a company whose owner is not known, naming the owner and the column', () => {
    const result = mapCrmExport(
      {
        companies: [
          row('companies.csv', 2, { 'Record ID': '5001', 'Company name': 'A', 'Company owner': 'Zed' }),
        ],
        deals: [
          row('deals.csv', 2, {
            'Record ID': '9',
            'Associated Company IDs': '5001',
            'Close Date': '2027-01-01',
            Amount: '10',
          }),
        ],
        contacts: [],
      },
      hubspot,
    );
    expect(result.accounts).toEqual([]);
    expect(result.rejected).toEqual([
      {
        file: 'companies.csv',
        line: 2,
        errors: [
          {
            path: 'csm',
            message:
              'owner "Zed" (Company owner | hubspot_owner_id) is not in the mapping\'s owners and there is no defaultOwner',
          },
        ],
      },
    ]);
  });

  it('refuses a deal whose date or amount cannot be read, naming the column', () => {
    const result = mapCrmExport(
      {
        companies: [],
        deals: [
          row('deals.csv', 3, {
            'Record ID': '9',
            'Associated Company IDs': '5001',
            'Close Date': '31/01/2027',
            Amount: '1,000',
          }),
        ],
        contacts: [],
      },
      hubspot,
    );
    expect(result.rejected[0]?.errors.map((e) => e.path)).toEqual([
      'deals.renewalDate (Close Date | closedate)',
      'deals.amount (Amount | amount)',
    ]);
  });

  it('starts a contract the configured months before its renewal, on the last day of a shorter month', () => {
    const result = mapCrmExport(
      {
        companies: [row('c.csv', 2, { 'Record ID': '1', 'Company owner': '111' })],
        deals: [
          row('d.csv', 2, {
            'Record ID': '9',
            'Associated Company IDs': '1',
            'Close Date': '2028-02-29',
            Amount: '5',
          }),
        ],
        contacts: [],
      },
      hubspot,
    );
    expect(result.accounts[0]?.record.contract).toEqual({
      startDate: '2027-02-28',
      renewalDate: '2028-02-29',
      arr: 5,
    });
  });

  it("takes a deal's contract start from the column the mapping names, and refuses one that is not a date", () => {
    const withStart = crmExportMappingSchema.parse({
      ...hubspot,
      deals: { ...hubspot.deals, startDate: ['Contract Start'] },
    });
    const deal = (line: number, id: string, start: string) =>
      row('d.csv', line, {
        'Record ID': id,
        'Associated Company IDs': '1',
        'Close Date': '2027-03-01',
        Amount: '5',
        'Contract Start': start,
      });
    const result = mapCrmExport(
      {
        companies: [row('c.csv', 2, { 'Record ID': '1', 'Company owner': '111' })],
        deals: [deal(2, '9', '2026-04-15'), deal(3, '10', 'soon')],
        contacts: [],
      },
      withStart,
    );
    expect(result.accounts[0]?.record.contract).toEqual({
      startDate: '2026-04-15',
      renewalDate: '2027-03-01',
      arr: 5,
    });
    expect(result.rejected).toEqual([
      { file: 'd.csv', line: 3, errors: [{ path: 'deals.startDate', message: '"soon" is not a date' }] },
    ]);
  });

  it('lays a mapping file over the built-in HubSpot mapping, and names a bad setting by its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubspot-mapping-'));
    writeFileSync(
      join(dir, 'ok.json'),
      JSON.stringify({ defaultCurrency: 'GBP', deals: { renewalDate: 'renewal_date' } }),
    );
    const mapping = loadCrmMapping(join(dir, 'ok.json'), 'hubspot');
    expect(mapping.defaultCurrency).toBe('GBP');
    expect(mapping.deals.renewalDate).toEqual(['renewal_date']);
    expect(mapping.deals.amount).toEqual(['Amount', 'amount']);
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ contractMonths: 0, owners: { x: { name: 'X', email: 'no' } } }),
    );
    expect(() => loadCrmMapping(join(dir, 'bad.json'), 'hubspot')).toThrow(
      /has problems:\n {2}owners\.x\.email: Invalid email address\n {2}contractMonths: Too small/,
    );
  });
});

describe('CRM values', () => {
  it('reads dates as HubSpot and Salesforce write them', () => {
    expect(crmDate('1803859200000')).toBe('2027-03-01');
    expect(crmDate('2027-03-01')).toBe('2027-03-01');
    expect(crmDate('2027-03-01 00:00')).toBe('2027-03-01');
    expect(crmDate('2027-03-01T23:30:00-02:00')).toBe('2027-03-02');
    expect(crmDate('2027-02-30')).toBeUndefined();
    expect(crmDate('03/01/2027')).toBeUndefined();
  });
});
