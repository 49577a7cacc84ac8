import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Timer } from '#core/workflows/timers';
import { syncJourneyTimers } from '#functions/shared/journey-timers';
import { syncRenewalTimers } from '#functions/shared/renewal-timers';
import { syncReviewTimers } from '#functions/shared/review-timers';
import { type UpsertOutcome, upsertAccounts } from '#store/account-store';
import type { Db } from '#store/client';
import { mapLimit } from '#store/parallel';
import { pendingTimers, scheduleTimers } from '#store/timer-store';

const SYNCS_IN_FLIGHT = 8;

/**
 * Accounts created or updated, with what follows from them: renewal checkpoints, milestone checks and programme
 * reviews, decided per account by the same sync functions as everywhere and written together (scheduleTimers
 * batches them into a few transactions). An account just created has no pending timers to read; an updated one is
 * read once for all three syncs. The one way accounts are made: POST /v1/accounts and a company created in
 * HubSpot (usecases/hubspot-accounts.ts) both come here.
 */
export async function upsertAccountsWithTimers(
  db: Db,
  accounts: readonly AccountInput[],
  now: Date,
  config: Config,
): Promise<UpsertOutcome[]> {
  const outcomes = await upsertAccounts(db, accounts, now);
  const timers: Timer[] = [];
  const schedule = async (some: readonly Timer[]) => {
    timers.push(...some);
  };
  const upserted = accounts.map((account, i) => ({ account, created: outcomes[i] === 'created' }));
  await mapLimit(upserted, SYNCS_IN_FLIGHT, async ({ account, created }) => {
    const pending = created ? [] : await pendingTimers(db, account.id);
    await syncRenewalTimers(db, account, now, config.timers, { pending, schedule, created });
    await syncJourneyTimers(db, account, now, config, { pending, schedule });
    await syncReviewTimers(db, account, now, config, { pending, schedule });
  });
  await scheduleTimers(db, timers);
  return outcomes;
}
