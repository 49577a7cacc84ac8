import { DAY_MS, utcDay } from '#core/clock';
import type { Band } from '#core/health/vocabulary';
import type { RenewalOutcome } from '#core/signals';
import type { TriggerId } from '#core/workflows/detect';
import { FORECAST_CATEGORIES, FORECAST_RULE, type ForecastCategory, forecastCategory } from './forecast.ts';
import { addTo, type ByCurrency } from './money.ts';

/** The renewal desk looks this many days ahead; the windows are the desk's columns. */
export const DESK_HORIZON_DAYS = 180;
export const DESK_WINDOWS = ['overdue', 'next30', 'next90', 'next180'] as const;
export type DeskWindow = (typeof DESK_WINDOWS)[number];

/** A CSM's own forecast of a renewal, kept beside the derived one. */
export interface RenewalCall {
  renewalDate: string;
  category: ForecastCategory;
  note: string | null;
  by: string;
  at: string;
}

export interface DeskAccount {
  accountId: string;
  name: string;
  region: string;
  segment: string;
  csm: string;
  currency: string;
  /** The contract's ARR: what the renewal can keep. */
  arr: number;
  renewalDate: string;
  score: number | null;
  band: Band | 'unknown';
  openRisk: {
    riskId: string;
    tier: 1 | 2 | 3;
    triggers: readonly TriggerId[];
    primaryCause: string;
    strategy: string;
    openedAt: string;
  } | null;
  lastReview: { reviewKind: string; status: string; at: string } | null;
  /** The outcome recorded for this renewal date (core/renewals/contract-history.ts outcomeOfRenewal). */
  outcome: { outcome: RenewalOutcome; at: string } | null;
  /** The CSM's call, if it was made for this renewal date. */
  call: RenewalCall | null;
}

export interface DeskRow extends Omit<DeskAccount, 'outcome' | 'call'> {
  daysToRenewal: number;
  /** The narrowest window the renewal falls in. */
  window: DeskWindow;
  derived: ForecastCategory;
  call: RenewalCall | null;
  /** What the totals count: the CSM's call when made, else the derived category. */
  category: ForecastCategory;
}

export interface RenewalDesk {
  asOf: string;
  horizonDays: number;
  rule: readonly string[];
  definitions: Record<string, string>;
  rows: DeskRow[];
  /** Renewals and their ARR per window; the windows are cumulative (next90 holds next30). */
  windows: Record<DeskWindow, { renewals: number; arr: ByCurrency }>;
  categories: Record<ForecastCategory, { renewals: number; arr: ByCurrency }>;
  /** The ARR of renewals counted at risk or overdue: lost unless someone acts, and not lost yet. */
  arrSavable: ByCurrency;
}

/** Whole UTC days from today to the renewal date: 0 on the day, negative once it passed. */
export function daysToRenewal(renewalDate: string, now: Date): number {
  return Math.round(
    (Date.parse(`${renewalDate}T00:00:00Z`) - Date.parse(`${utcDay(now)}T00:00:00Z`)) / DAY_MS,
  );
}

function windowOf(days: number): DeskWindow {
  if (days < 0) return 'overdue';
  if (days <= 30) return 'next30';
  if (days <= 90) return 'next90';
  return 'next180';
}

const WINDOW_INCLUDES: Record<DeskWindow, readonly DeskWindow[]> = {
  overdue: ['overdue'],
  next30: ['next30'],
  next90: ['next30', 'next90'],
  next180: ['next30', 'next90', 'next180'],
};

const emptyTotals = <K extends string>(names: readonly K[]) =>
  Object.fromEntries(names.map((name) => [name, { renewals: 0, arr: {} as ByCurrency }])) as Record<
    K,
    { renewals: number; arr: ByCurrency }
  >;

/**
 * The renewal desk: every renewal due within DESK_HORIZON_DAYS, and every one whose date passed with no outcome,
 * with its forecast category (core/renewals/forecast.ts), soonest first. A renewal with an outcome recorded is
 * done and left off. Money is totalled per currency, never across.
 */
export function renewalDesk(accounts: readonly DeskAccount[], now: Date): RenewalDesk {
  const rows: DeskRow[] = [];
  for (const { outcome, call, ...account } of accounts) {
    if (outcome) continue;
    const days = daysToRenewal(account.renewalDate, now);
    if (days > DESK_HORIZON_DAYS) continue;
    const derived = forecastCategory({ daysToRenewal: days, band: account.band, openRisk: account.openRisk });
    const ownCall = call && call.renewalDate === account.renewalDate ? call : null;
    rows.push({
      ...account,
      daysToRenewal: days,
      window: windowOf(days),
      derived,
      call: ownCall,
      category: ownCall?.category ?? derived,
    });
  }
  rows.sort((a, b) => a.daysToRenewal - b.daysToRenewal || (a.accountId < b.accountId ? -1 : 1));
  const windows = emptyTotals(DESK_WINDOWS);
  const categories = emptyTotals(FORECAST_CATEGORIES);
  const arrSavable: ByCurrency = {};
  for (const row of rows) {
    for (const name of DESK_WINDOWS) {
      if (!WINDOW_INCLUDES[name].includes(row.window)) continue;
      windows[name].renewals += 1;
      addTo(windows[name].arr, row.currency, row.arr);
    }
    categories[row.category].renewals += 1;
    addTo(categories[row.category].arr, row.currency, row.arr);
    if (row.category === 'at_risk' || row.category === 'overdue') addTo(arrSavable, row.currency, row.arr);
  }
  return {
    asOf: now.toISOString(),
    horizonDays: DESK_HORIZON_DAYS,
    rule: FORECAST_RULE,
    definitions: DESK_DEFINITIONS,
    rows,
    windows,
    categories,
    arrSavable,
  };
}

export const DESK_DEFINITIONS = {
  overdue: 'renewal date passed and no renewal outcome recorded for it',
  next30: 'renewal due today or within 30 days',
  next90: 'renewal due within 90 days (includes the next 30)',
  next180: 'renewal due within 180 days (includes the next 90)',
  arr: "the contract's ARR, in the account's own currency",
  category: "the CSM's call when made for this renewal date, else the derived forecast",
  arrSavable: 'ARR of renewals counted at risk or overdue: not lost yet, lost unless someone acts',
} as const;
