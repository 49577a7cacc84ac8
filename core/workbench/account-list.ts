import * as z from 'zod';
import { BANDS } from '#core/health/vocabulary';

/**
 * `GET /v1/accounts?status=&band=&segment=&region=&csm=&sort=&limit=&cursor=`: the CSM's list of accounts, a page at
 * a time. `status`: `customers` (the default: not the accounts whose contract in force ended in churn), `churned`
 * (those alone) or `all`. Sorts: `score` (lowest first, unscored last), `renewal` (soonest first), `arr` (by currency, then largest
 * first), `name`. The cursor names the last account of a page by its sort value and id, so
 * the next page starts after it even when accounts were added or rescored meanwhile.
 */
export const ACCOUNT_SORTS = ['score', 'renewal', 'arr', 'name'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export const ACCOUNT_STATUSES = ['customers', 'churned', 'all'] as const;

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export const accountListQuerySchema = z.strictObject({
  status: z
    .enum(ACCOUNT_STATUSES, { error: `must be one of: ${ACCOUNT_STATUSES.join(', ')}` })
    .default('customers'),
  band: z
    .enum([...BANDS, 'unknown'], { error: `must be one of: ${[...BANDS, 'unknown'].join(', ')}` })
    .optional(),
  segment: z.string().min(1).max(64).optional(),
  region: z.string().min(1).max(128).optional(),
  csm: z.string().min(1).max(320).optional(),
  sort: z.enum(ACCOUNT_SORTS, { error: `must be one of: ${ACCOUNT_SORTS.join(', ')}` }).default('score'),
  limit: z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PAGE, `must be a whole number from 1 to ${MAX_PAGE}`)
    .optional(),
  cursor: z.string().min(1).max(2048).optional(),
});
export type AccountListQuery = z.infer<typeof accountListQuerySchema>;

export interface AccountRow {
  accountId: string;
  name: string;
  region: string;
  segment: string;
  band: string;
  score: number | null;
  csm: { name: string; email: string };
  arr: number;
  currency: string;
  renewalDate: string;
  daysToRenewal: number;
  openRisk: { riskId: string; tier: number; primaryCause: string; strategy: string } | null;
  /** When the contract in force ended in churn; null for a customer. */
  churnedAt: string | null;
}

const cursorSchema = z.object({
  sort: z.enum(ACCOUNT_SORTS),
  value: z.union([z.string(), z.number()]),
  id: z.string(),
});
type Cursor = z.infer<typeof cursorSchema>;

export class BadCursorError extends Error {
  constructor() {
    super('cursor is not one this list gave out for this sort; start again without it');
    this.name = 'BadCursorError';
  }
}

/** A row's place in the sort as one comparable value: ascending order of `value`, then of id. */
function sortValue(row: AccountRow, sort: AccountSort): string | number {
  switch (sort) {
    case 'score':
      return row.score ?? Number.MAX_SAFE_INTEGER;
    case 'renewal':
      return row.renewalDate;
    case 'arr':
      // Grouped by currency (amounts in different currencies are not compared), largest first within each.
      return `${row.currency}:${(1e15 - row.arr).toFixed(2).padStart(20, '0')}`;
    case 'name':
      return row.name.toLowerCase();
  }
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

function decode(text: string, sort: AccountSort): Cursor {
  try {
    const cursor = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (cursor.sort !== sort) throw new BadCursorError();
    return cursor;
  } catch {
    throw new BadCursorError();
  }
}

/** One page of the rows that match the query, in its sort order, and the cursor of the next page (null at the end). */
export function accountPage(rows: readonly AccountRow[], query: AccountListQuery) {
  const { sort } = query;
  const limit = query.limit ?? DEFAULT_PAGE;
  const matching = rows
    .filter(
      (row) =>
        (query.status === 'all' || (row.churnedAt === null) === (query.status === 'customers')) &&
        (query.band === undefined || row.band === query.band) &&
        (query.segment === undefined || row.segment === query.segment) &&
        (query.region === undefined || row.region === query.region) &&
        (query.csm === undefined || row.csm.email === query.csm || row.csm.name === query.csm),
    )
    .map((row) => ({ row, value: sortValue(row, sort) }))
    .sort((a, b) => compare(a.value, b.value) || compare(a.row.accountId, b.row.accountId));
  const after = query.cursor ? decode(query.cursor, sort) : undefined;
  const start = after
    ? matching.findIndex(
        ({ row, value }) => (compare(value, after.value) || compare(row.accountId, after.id)) > 0,
      )
    : 0;
  const from = start === -1 ? matching.length : start;
  const page = matching.slice(from, from + limit);
  const last = page.at(-1);
  const more = from + limit < matching.length;
  return {
    total: matching.length,
    accounts: page.map(({ row }) => row),
    nextCursor: more && last ? encode({ sort, value: last.value, id: last.row.accountId }) : null,
  };
}
