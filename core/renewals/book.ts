import type { Config } from '#config/schema';
import type { Account } from '#core/accounts';
import type { HealthSummary } from '#core/health/portfolio';
import { assignSegment } from '#core/health/segmentation';
import { daysOpen } from '#core/workflows/digest';
import type { RiskRecord } from '#core/workflows/risk-record';
import { type ContractEvent, churnedAt, effectiveHistory, outcomeOfRenewal } from './contract-history.ts';
import { type DeskAccount, type RenewalCall, type RenewalDesk, renewalDesk } from './desk.ts';
import { type Retention, retention } from './retention.ts';

/**
 * What the renewal desk, retention and the open-risk list know of one account: its profile, health summary, open
 * risk, latest review, the CSM's call, contract history and top health drivers. The API loads these from the
 * table (usecases/renewals.ts); a simulation keeps them in its result, so `churnguard report` computes the same
 * answers from a backtest with these same functions.
 */
export interface BookEntry {
  account: Account;
  health?: HealthSummary;
  risk?: RiskRecord;
  latestReview?: { reviewKind: string; status: string; at: string } | null;
  call?: RenewalCall | null;
  contract?: readonly ContractEvent[];
  drivers?: readonly { text: string; pointsLost: number }[];
}

/** An entry with its contract history read: what tells a customer from an account that churned. */
export type BookEntryWithContract = BookEntry & { contract: readonly ContractEvent[] };

/**
 * When the entry's contract in force ended in churn, or null for a customer: the lists, the stack-rank and the
 * portfolio's bands leave such an account out (it is no longer anyone's to look after), however long ago it left.
 */
export function churnedAtOf(entry: BookEntryWithContract): string | null {
  return churnedAt(entry.contract, entry.account.contract.renewalDate);
}

/** The registry as the portfolio summary reads it (core/health/portfolio.ts): each account's health and churn. */
export function registryOfBook(book: readonly BookEntryWithContract[]) {
  return book.map((entry) => ({
    accountId: entry.account.id,
    ...(entry.health ? { health: entry.health } : {}),
    churnedAt: churnedAtOf(entry),
  }));
}

/** The scored customers, as the stack-rank ranks them (usecases/stack-rank.ts): no account that churned. */
export function rankableOfBook(book: readonly BookEntryWithContract[]) {
  return book.flatMap((entry) =>
    entry.health && churnedAtOf(entry) === null
      ? [{ accountId: entry.account.id, name: entry.account.name, health: entry.health }]
      : [],
  );
}

/** How many drivers of each red account the risk list shows. */
export const TOP_DRIVERS = 3;

/** The account's segment as last scored, else as its profile and the config place it. */
function segmentOf(config: Config, { account, health }: BookEntry): string {
  return health?.segment ?? assignSegment(config, account).segment;
}

/** The renewal desk (desk.ts) of the entries given; those renewing beyond the horizon are left out there. */
export function deskOfBook(config: Config, book: readonly BookEntry[], now: Date): RenewalDesk {
  const desk = book.map(
    (entry): DeskAccount => ({
      accountId: entry.account.id,
      name: entry.account.name,
      region: entry.account.region,
      segment: segmentOf(config, entry),
      csm: entry.account.csm.name,
      currency: entry.account.currency,
      arr: entry.account.contract.arr,
      renewalDate: entry.account.contract.renewalDate,
      score: entry.health?.score ?? null,
      band: entry.health?.band ?? 'unknown',
      openRisk: entry.risk
        ? {
            riskId: entry.risk.riskId,
            tier: entry.risk.tier,
            triggers: entry.risk.triggers,
            primaryCause: entry.risk.primaryCause,
            strategy: entry.risk.strategy,
            openedAt: entry.risk.openedAt,
          }
        : null,
      lastReview: entry.latestReview ?? null,
      outcome: outcomeOfRenewal(entry.contract ?? [], entry.account.contract.renewalDate),
      call: entry.call ?? null,
    }),
  );
  return renewalDesk(desk, now);
}

/** Trailing-12-month retention (retention.ts) of the entries given. */
export function retentionOfBook(config: Config, book: readonly BookEntry[], now: Date): Retention {
  return retention(
    book.map((entry) => ({
      accountId: entry.account.id,
      segment: segmentOf(config, entry),
      region: entry.account.region,
      atRisk: entry.risk !== undefined,
      history: effectiveHistory(
        {
          createdAt: entry.account.createdAt,
          arr: entry.account.contract.arr,
          currency: entry.account.currency,
        },
        entry.contract ?? [],
      ),
    })),
    now,
  );
}

/**
 * Every open risk (the red-account process, seed 002) with its account, root causes, tier, strategy, days open and
 * the account's top drivers, the oldest risk first.
 */
export function openRisksOfBook(config: Config, book: readonly BookEntry[], now: Date) {
  const risks = book.flatMap((entry) =>
    entry.risk
      ? [
          {
            ...entry.risk,
            accountName: entry.account.name,
            segment: segmentOf(config, entry),
            score: entry.health?.score ?? null,
            band: entry.health?.band ?? 'unknown',
            daysOpen: daysOpen(entry.risk.openedAt, now),
            drivers: (entry.drivers ?? []).slice(0, TOP_DRIVERS),
          },
        ]
      : [],
  );
  return { asOf: now.toISOString(), risks: risks.sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1)) };
}
