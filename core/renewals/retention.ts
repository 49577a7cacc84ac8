import { type ArrPoint, arrAt } from './contract-history.ts';
import { addTo, type ByCurrency, sumCents } from './money.ts';

export interface RetentionAccount {
  accountId: string;
  segment: string;
  region: string;
  /** The account's ARR points (contract-history.ts effectiveHistory). */
  history: readonly ArrPoint[];
  /** An open risk on the account today: its ARR counts as at risk. */
  atRisk: boolean;
}

/** Retention of one cohort in one currency. Ratios are null for an empty cohort. */
export interface RetentionFigures {
  currency: string;
  /** Accounts paying 12 months ago (in this currency). */
  cohortAccounts: number;
  startingArr: number;
  /** The ARR today of those same accounts (0 for one that churned). */
  currentArr: number;
  /** The ARR today of those accounts, each capped at its starting ARR: expansion left out. */
  retainedArr: number;
  /** currentArr / startingArr. */
  nrr: number | null;
  /** retainedArr / startingArr. */
  grr: number | null;
  /** Cohort accounts paying nothing today. */
  churnedAccounts: number;
  /** churnedAccounts / cohortAccounts. */
  logoChurn: number | null;
}

export interface Retention {
  asOf: string;
  /** The cohort's date: the same calendar day one year before. */
  cohortDate: string;
  definitions: Record<string, string>;
  /** Per currency, never mixed. */
  overall: RetentionFigures[];
  bySegment: { segment: string; figures: RetentionFigures[] }[];
  byRegion: { region: string; figures: RetentionFigures[] }[];
  /** ARR today of accounts with an open risk, per currency. */
  arrAtRisk: ByCurrency;
  /** Accounts left out because their currency changed within the 12 months (no rate to compare them by). */
  currencyChanged: string[];
}

export const RETENTION_DEFINITIONS = {
  cohort: 'the accounts paying (ARR above 0) on the cohort date, 12 months before today',
  nrr: 'net revenue retention: the ARR today of the cohort over its ARR on the cohort date (expansion counts)',
  grr: 'gross revenue retention: the same, each account capped at its ARR on the cohort date (expansion left out), so never above 100%',
  logoChurn: 'cohort accounts paying nothing today, over the cohort accounts',
  arrAtRisk: 'ARR today of the accounts with an open risk',
  currency: "per currency, in each account's own currency; amounts in different currencies are never added",
  segment: "by each account's segment today",
} as const;

/** The same calendar instant one year earlier (29 February falls back to 28 February). */
export function yearBefore(now: Date): Date {
  const then = new Date(now);
  then.setUTCFullYear(now.getUTCFullYear() - 1);
  if (then.getUTCMonth() !== now.getUTCMonth()) then.setUTCDate(0);
  return then;
}

interface Member {
  start: number;
  current: number;
  currency: string;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function figures(members: readonly Member[]): RetentionFigures[] {
  const byCurrency = new Map<string, Member[]>();
  for (const member of members)
    byCurrency.set(member.currency, [...(byCurrency.get(member.currency) ?? []), member]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, group]) => {
      const startingArr = sumCents(group.map((m) => m.start));
      const currentArr = sumCents(group.map((m) => m.current));
      const retainedArr = sumCents(group.map((m) => Math.min(m.current, m.start)));
      const churnedAccounts = group.filter((m) => m.current === 0).length;
      return {
        currency,
        cohortAccounts: group.length,
        startingArr,
        currentArr,
        retainedArr,
        nrr: ratio(currentArr, startingArr),
        grr: ratio(retainedArr, startingArr),
        churnedAccounts,
        logoChurn: ratio(churnedAccounts, group.length),
      };
    });
}

function grouped<K extends 'segment' | 'region'>(
  members: readonly (Member & RetentionAccount)[],
  by: K,
): { name: string; members: Member[] }[] {
  const groups = new Map<string, Member[]>();
  for (const member of members) groups.set(member[by], [...(groups.get(member[by]) ?? []), member]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, group]) => ({ name, members: group }));
}

/**
 * Trailing-12-month retention, cohort-based: the accounts paying on the cohort date, their ARR then against their
 * ARR now (RETENTION_DEFINITIONS). An account that started paying since is not in the cohort; one that churned is
 * in it at 0.
 */
export function retention(accounts: readonly RetentionAccount[], now: Date): Retention {
  const cohortDate = yearBefore(now).toISOString();
  const today = now.toISOString();
  const members: (Member & RetentionAccount)[] = [];
  const currencyChanged: string[] = [];
  const arrAtRisk: ByCurrency = {};
  for (const account of accounts) {
    const current = arrAt(account.history, today);
    if (account.atRisk && current && current.arr > 0) addTo(arrAtRisk, current.currency, current.arr);
    const start = arrAt(account.history, cohortDate);
    if (!start || start.arr <= 0) continue;
    if (current && current.currency !== start.currency) {
      currencyChanged.push(account.accountId);
      continue;
    }
    members.push({ ...account, start: start.arr, current: current?.arr ?? 0, currency: start.currency });
  }
  return {
    asOf: today,
    cohortDate,
    definitions: RETENTION_DEFINITIONS,
    overall: figures(members),
    bySegment: grouped(members, 'segment').map((g) => ({ segment: g.name, figures: figures(g.members) })),
    byRegion: grouped(members, 'region').map((g) => ({ region: g.name, figures: figures(g.members) })),
    arrAtRisk,
    currencyChanged: currencyChanged.sort(),
  };
}
