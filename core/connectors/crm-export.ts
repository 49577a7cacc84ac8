import * as z from 'zod';
import { CONTACT_ROLES } from '#core/accounts';
import { crmAmount, crmCurrency, crmDate, minusMonths } from './crm-values.ts';

/**
 * A CRM's export (HubSpot companies, deals and contacts; Salesforce Account, Opportunity and Contact) -> churnguard
 * accounts, for the first full load (`churnguard sync hubspot`, `churnguard import <dir> --mapping <file>`). Pure:
 * the CLI reads the files into rows (one flat record per line, columns by header) and sends what this returns
 * through POST /v1/accounts, which validates every account again.
 *
 * A company becomes an account with the contract of its renewal deal (the mapped deal with the latest renewal
 * date), ARR its amount, and the contacts associated with it. Which column holds what is the mapping's, each field
 * a column name or a list of candidates (the first present in the file is read), so one mapping reads a CSV
 * exported with labels and a JSON export with internal names.
 */

const columns = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((c) => (typeof c === 'string' ? [c] : c));
const person = z.strictObject({ name: z.string().min(1), email: z.email() });
const isoCurrency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

export const crmExportMappingSchema = z.strictObject({
  /** Which CRM: names the external ids kept (HubSpot deals) and the sources in messages. */
  source: z.enum(['hubspot', 'salesforce']),
  /** File names (in the export folder) of each object; `.csv`, `.json` or `.jsonl`. */
  files: z.strictObject({
    companies: z.array(z.string().min(1)).min(1),
    deals: z.array(z.string().min(1)).min(1),
    contacts: z.array(z.string().min(1)).prefault([]),
  }),
  account: z.strictObject({
    id: columns,
    name: columns,
    region: columns.optional(),
    defaultRegion: z.string().min(1).max(64).optional(),
    segment: columns.optional(),
    tier: columns.optional(),
    /** The day the customer went live; else the contract's start. */
    goLiveDate: columns.optional(),
    /** The owner column; its value is looked up in `owners`. */
    owner: columns,
  }),
  /** Owner value (id or name, as the export writes it) -> the CSM. */
  owners: z.record(z.string().min(1), person).prefault({}),
  /** The CSM of an account whose owner is not in `owners`; without it such an account is refused. */
  defaultOwner: person.optional(),
  deals: z.strictObject({
    id: columns,
    /** The column naming the deal's company (several ids separated by `;`: the first is read). */
    company: columns,
    renewalDate: columns,
    amount: columns,
    currency: columns.optional(),
    startDate: columns.optional(),
    /** With `types`: only deals of these types are renewals (Salesforce's Opportunity Type). */
    type: columns.optional(),
    types: z.array(z.string().min(1)).prefault([]),
    /** With `excludeStages`: deals in these stages are not contracts (lost ones). */
    stage: columns.optional(),
    excludeStages: z.array(z.string().min(1)).prefault([]),
  }),
  contacts: z
    .strictObject({
      id: columns,
      email: columns,
      firstName: columns.optional(),
      lastName: columns.optional(),
      company: columns,
      role: columns.optional(),
      /** Value of the role column -> churnguard role; others are `defaultRole`. */
      roles: z.record(z.string().min(1), z.enum(CONTACT_ROLES)).prefault({}),
      defaultRole: z.enum(CONTACT_ROLES).default('user'),
      timezone: columns.optional(),
      defaultTimezone: z.string().min(1).default('UTC'),
    })
    .optional(),
  defaultCurrency: isoCurrency.default('USD'),
  /** Contract length when the deal has no start date: the start is this many months before the renewal. */
  contractMonths: z.number().int().min(1).max(120).default(12),
});
export type CrmExportMapping = z.infer<typeof crmExportMappingSchema>;
export type CrmExportMappingInput = z.input<typeof crmExportMappingSchema>;

/** One row of an export file: where it came from and its columns. */
export interface CrmRow {
  file: string;
  line: number;
  values: Record<string, string>;
}

export interface CrmRejection {
  file: string;
  line: number;
  errors: { path: string; message: string }[];
}

/** An account drafted from a company; POST /v1/accounts validates it. */
export interface CrmAccount {
  file: string;
  line: number;
  record: Record<string, unknown>;
}

export interface CrmExportResult {
  accounts: CrmAccount[];
  rejected: CrmRejection[];
  /** Deals and contacts read but not used (not a renewal, lost, no company in the export), with why. */
  skipped: { file: string; line: number; reason: string }[];
}

function read(row: CrmRow, candidates: readonly string[] | undefined): string | undefined {
  if (!candidates) return undefined;
  for (const column of candidates) {
    const value = row.values[column]?.trim();
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

const firstId = (value: string | undefined) =>
  value
    ?.split(/[;,]/)
    .map((v) => v.trim())
    .find((v) => v !== '');

interface Deal {
  row: CrmRow;
  id: string;
  renewalDate: string;
  startDate?: string;
  amount: number;
  currency?: string;
}

/** Deals by company, each read or refused with the field; deals that are not contracts are skipped. */
function readDeals(
  rows: readonly CrmRow[],
  mapping: CrmExportMapping,
  out: CrmExportResult,
): Map<string, Deal[]> {
  const byCompany = new Map<string, Deal[]>();
  const m = mapping.deals;
  for (const row of rows) {
    const type = read(row, m.type);
    if (m.types.length > 0 && (type === undefined || !m.types.includes(type))) {
      out.skipped.push({
        file: row.file,
        line: row.line,
        reason: `type "${type ?? ''}" is not a renewal type`,
      });
      continue;
    }
    const stage = read(row, m.stage);
    if (stage !== undefined && m.excludeStages.includes(stage)) {
      out.skipped.push({ file: row.file, line: row.line, reason: `stage "${stage}" is excluded` });
      continue;
    }
    const errors: CrmRejection['errors'] = [];
    const id = read(row, m.id);
    const company = firstId(read(row, m.company));
    const renewalText = read(row, m.renewalDate);
    const renewalDate = crmDate(renewalText);
    const amountText = read(row, m.amount);
    const amount = amountText === undefined ? 0 : crmAmount(amountText);
    const currencyText = read(row, m.currency);
    const currency = currencyText === undefined ? undefined : crmCurrency(currencyText);
    const startText = read(row, m.startDate);
    const startDate = startText === undefined ? undefined : crmDate(startText);
    if (!id) errors.push({ path: `deals.id (${m.id.join(' | ')})`, message: 'is empty' });
    if (!company)
      errors.push({ path: `deals.company (${m.company.join(' | ')})`, message: 'names no company' });
    if (!renewalDate)
      errors.push({
        path: `deals.renewalDate (${m.renewalDate.join(' | ')})`,
        message: `"${renewalText ?? ''}" is not a date`,
      });
    if (amount === undefined)
      errors.push({
        path: `deals.amount (${m.amount.join(' | ')})`,
        message: `"${amountText}" is not an amount of at least 0`,
      });
    if (currencyText !== undefined && !currency)
      errors.push({ path: `deals.currency`, message: `"${currencyText}" is not an ISO 4217 code` });
    if (startText !== undefined && !startDate)
      errors.push({ path: `deals.startDate`, message: `"${startText}" is not a date` });
    if (errors.length > 0 || !id || !company || !renewalDate || amount === undefined) {
      out.rejected.push({ file: row.file, line: row.line, errors });
      continue;
    }
    const deal: Deal = {
      row,
      id,
      renewalDate,
      amount,
      ...(currency ? { currency } : {}),
      ...(startDate ? { startDate } : {}),
    };
    byCompany.set(company, [...(byCompany.get(company) ?? []), deal]);
  }
  return byCompany;
}

function readContacts(
  rows: readonly CrmRow[],
  mapping: CrmExportMapping,
  out: CrmExportResult,
): Map<string, Record<string, string>[]> {
  const byCompany = new Map<string, Record<string, string>[]>();
  const m = mapping.contacts;
  if (!m) return byCompany;
  for (const row of rows) {
    const id = read(row, m.id);
    const email = read(row, m.email);
    const company = firstId(read(row, m.company));
    if (!id || !email || !company) {
      const missing = [!id && 'id', !email && 'email', !company && 'company'].filter(Boolean).join(', ');
      out.skipped.push({ file: row.file, line: row.line, reason: `contact without ${missing}` });
      continue;
    }
    const name = [read(row, m.firstName), read(row, m.lastName)].filter(Boolean).join(' ') || email;
    const roleValue = read(row, m.role);
    const role =
      roleValue !== undefined && Object.hasOwn(m.roles, roleValue) ? m.roles[roleValue] : m.defaultRole;
    const timezone = read(row, m.timezone) ?? m.defaultTimezone;
    const contact = { id, email, name, role: role ?? m.defaultRole, timezone };
    byCompany.set(company, [...(byCompany.get(company) ?? []), contact]);
  }
  return byCompany;
}

/**
 * Maps an export's rows to accounts. A company with no renewal deal, or whose owner is not known, is refused with
 * the field and why (nothing is sent for it); deals and contacts that are not contracts or name no company in the
 * export are listed as skipped.
 */
export function mapCrmExport(
  rows: { companies: readonly CrmRow[]; deals: readonly CrmRow[]; contacts: readonly CrmRow[] },
  mapping: CrmExportMapping,
): CrmExportResult {
  const out: CrmExportResult = { accounts: [], rejected: [], skipped: [] };
  const deals = readDeals(rows.deals, mapping, out);
  const contacts = readContacts(rows.contacts, mapping, out);
  const seen = new Set<string>();
  const a = mapping.account;
  for (const row of rows.companies) {
    const id = read(row, a.id);
    if (!id) {
      out.rejected.push({
        file: row.file,
        line: row.line,
        errors: [{ path: `account.id (${a.id.join(' | ')})`, message: 'is empty' }],
      });
      continue;
    }
    seen.add(id);
    const errors: CrmRejection['errors'] = [];
    const owner = read(row, a.owner);
    const csm =
      (owner !== undefined && Object.hasOwn(mapping.owners, owner) ? mapping.owners[owner] : undefined) ??
      mapping.defaultOwner;
    if (!csm) {
      errors.push({
        path: 'csm',
        message: `owner "${owner ?? ''}" (${a.owner.join(' | ')}) is not in the mapping's owners and there is no defaultOwner`,
      });
    }
    const companyDeals = (deals.get(id) ?? []).sort((x, y) => (x.renewalDate < y.renewalDate ? -1 : 1));
    const deal = companyDeals.at(-1);
    if (!deal)
      errors.push({
        path: 'contract',
        message: `no renewal deal of this company in ${mapping.files.deals.join(', ')}`,
      });
    const region = read(row, a.region) ?? a.defaultRegion;
    if (!region)
      errors.push({
        path: 'region',
        message: `is empty (${a.region?.join(' | ') ?? 'no column'}) and there is no defaultRegion`,
      });
    if (errors.length > 0 || !deal || !csm || !region) {
      out.rejected.push({ file: row.file, line: row.line, errors });
      continue;
    }
    const startDate = deal.startDate ?? minusMonths(deal.renewalDate, mapping.contractMonths);
    const goLive = crmDate(read(row, a.goLiveDate)) ?? startDate;
    const segment = read(row, a.segment);
    const tier = read(row, a.tier);
    const record: Record<string, unknown> = {
      id,
      name: read(row, a.name) ?? id,
      region,
      arr: deal.amount,
      currency: deal.currency ?? mapping.defaultCurrency,
      ...(segment ? { segment } : {}),
      ...(tier ? { tier } : {}),
      goLiveDate: goLive,
      csm,
      contacts: contacts.get(id) ?? [],
      contract: { startDate, renewalDate: deal.renewalDate, arr: deal.amount },
      // Only the contract's deal: an edit of last year's deal must not become this contract's ARR.
      ...(mapping.source === 'hubspot' ? { externalIds: [{ kind: 'hubspot_deal', id: deal.id }] } : {}),
    };
    out.accounts.push({ file: row.file, line: row.line, record });
  }
  for (const [company, list] of deals) {
    if (seen.has(company)) continue;
    for (const deal of list) {
      out.skipped.push({
        file: deal.row.file,
        line: deal.row.line,
        reason: `company ${company} is not in the export`,
      });
    }
  }
  return out;
}
