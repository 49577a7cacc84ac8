import { utcDay } from '#core/clock';
import type { DailyRollup } from '#core/rollup';

/**
 * The first UTC day the data covers an account: the earliest of the day the store registered it, the earliest
 * rollup scoring has seen and what was kept from earlier scores (a rollup leaves the lookback, the day stays).
 * An account whose onboarding was due before it is established: its onboarding happened before the data
 * (core/health/journey-class.ts onboardingPredatesData). An account imported with its history counts from its
 * earliest rollup.
 */
export function dataSince(
  account: { createdAt?: string },
  rollups: readonly Pick<DailyRollup, 'day'>[],
  kept: string | undefined,
  now: Date,
): string {
  let first = kept ?? (account.createdAt ? utcDay(account.createdAt) : utcDay(now));
  if (account.createdAt && utcDay(account.createdAt) < first) first = utcDay(account.createdAt);
  for (const { day } of rollups) if (day < first) first = day;
  return first;
}
