import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { sendDailyNotices } from '#usecases/daily-notices';
import type { DeliverDeps } from '#usecases/deliver-message';
import { sendRegionalDigests } from '#usecases/regional-digest';
import type { Deps } from '../shared/runtime.ts';

/** What a schedule sends: the weekly regional risk review (Mondays) or each person's daily notice mail. */
export const digestInput = z.strictObject({ run: z.enum(['regional-digest', 'daily-notices']) });

/**
 * The scheduled mail: `regional-digest`, once per region and week; `daily-notices`, one mail per person with the
 * day's routine notices. Both reserve their mail in the send ledger before sending, so a retried run sends nothing
 * twice.
 */
export function createDigestHandler(deps: Deps & Pick<DeliverDeps, 'mailer' | 'poster'>) {
  const useCase = { ...useCaseDeps(deps), mailer: deps.mailer, poster: deps.poster };
  return async (event: unknown) => {
    const { run } = digestInput.parse(event);
    const outcome =
      run === 'regional-digest' ? await sendRegionalDigests(useCase) : await sendDailyNotices(useCase);
    deps.logger.info(`${run} sent`, { ...outcome });
    return { run, ...outcome };
  };
}
