import * as z from 'zod';
import { type ApiTarget, getJson } from '../api-client.ts';

/** `churnguard accounts` and `churnguard risks`: the CSM's lists, read from GET /v1/accounts and GET /v1/risks. */

/** What a line of `churnguard accounts` counts, by the list's status. */
const LISTED = { customers: 'customer', churned: 'churned account', all: 'account' } as const;

const accountListSchema = z.object({
  asOf: z.string(),
  // An API from before the status filter lists every account.
  status: z.enum(['customers', 'churned', 'all']).default('all'),
  sort: z.string(),
  total: z.number(),
  nextCursor: z.string().nullable(),
  accounts: z.array(
    z.object({
      accountId: z.string(),
      name: z.string(),
      segment: z.string(),
      band: z.string(),
      score: z.number().nullable(),
      csm: z.object({ name: z.string() }),
      arr: z.number(),
      currency: z.string(),
      renewalDate: z.string(),
      daysToRenewal: z.number(),
      openRisk: z.object({ tier: z.number(), primaryCause: z.string() }).nullable(),
      churnedAt: z.string().nullable(),
    }),
  ),
});

const riskListSchema = z.object({
  asOf: z.string(),
  count: z.number(),
  arrAtRisk: z.record(z.string(), z.number()),
  risks: z.array(
    z.looseObject({
      accountId: z.string(),
      accountName: z.string(),
      region: z.string(),
      segment: z.string(),
      tier: z.number(),
      primaryCause: z.string(),
      secondaryCause: z.string().nullable(),
      strategy: z.string(),
      daysOpen: z.number(),
      arr: z.number(),
      currency: z.string(),
      band: z.string(),
      acknowledgedAt: z.string().nullable(),
    }),
  ),
});

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

const money = (amount: number, currency: string) => `${currency} ${amount.toLocaleString('en-US')}`;
const perCurrency = (totals: Record<string, number>) =>
  Object.keys(totals).length
    ? Object.entries(totals)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, total]) => money(total, currency))
        .join(' + ')
    : 'none';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export interface AccountsOptions {
  status?: string;
  band?: string;
  segment?: string;
  region?: string;
  csm?: string;
  sort?: string;
  limit?: string;
  cursor?: string;
}

export async function showAccounts(
  target: ApiTarget,
  options: AccountsOptions,
  asJson: boolean,
): Promise<string> {
  const list = await getJson(target, `/v1/accounts${query({ ...options })}`, accountListSchema);
  if (asJson) return `${JSON.stringify(list, null, 2)}\n`;
  const rows = list.accounts.map((a) => [
    a.accountId,
    a.name,
    a.segment,
    a.band,
    a.score === null ? '-' : a.score.toFixed(1),
    money(a.arr, a.currency),
    a.churnedAt === null ? `${a.renewalDate} (${a.daysToRenewal} d)` : `churned ${a.churnedAt.slice(0, 10)}`,
    a.csm.name,
    a.openRisk ? `tier ${a.openRisk.tier} ${a.openRisk.primaryCause}` : '-',
  ]);
  const lines = [
    `${list.total} ${LISTED[list.status]}${list.total === 1 ? '' : 's'} (sorted by ${list.sort}), as of ${list.asOf}`,
    ...(rows.length
      ? table(['Account', 'Name', 'Segment', 'Band', 'Score', 'ARR', 'Renewal', 'CSM', 'Open risk'], rows)
      : []),
    ...(list.nextCursor ? [`more: the same command with --cursor ${list.nextCursor}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export interface RisksOptions {
  region?: string;
  segment?: string;
  tier?: string;
  cause?: string;
  strategy?: string;
}

export async function showRisks(target: ApiTarget, options: RisksOptions, asJson: boolean): Promise<string> {
  const list = await getJson(target, `/v1/risks${query({ ...options })}`, riskListSchema);
  if (asJson) return `${JSON.stringify(list, null, 2)}\n`;
  const rows = list.risks.map((r) => [
    r.accountId,
    r.region,
    r.segment,
    `tier ${r.tier}`,
    [r.primaryCause, r.secondaryCause].filter(Boolean).join(', '),
    r.strategy,
    `${r.daysOpen} d`,
    money(r.arr, r.currency),
    r.band,
    r.acknowledgedAt ? 'yes' : 'no',
  ]);
  const lines = [
    `${list.count} open risk${list.count === 1 ? '' : 's'}, ARR at risk ${perCurrency(list.arrAtRisk)}, as of ${list.asOf}`,
    ...(rows.length
      ? table(
          ['Account', 'Region', 'Segment', 'Tier', 'Root causes', 'Strategy', 'Open', 'ARR', 'Band', 'Acked'],
          rows,
        )
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
