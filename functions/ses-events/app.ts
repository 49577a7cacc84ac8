import { z } from 'zod';
import { suppressionsFrom } from '#core/journeys/ses-events';
import { suppress } from '#store/contact-preferences-store';
import type { Deps } from '../shared/runtime.ts';

const snsEvent = z.object({
  Records: z.array(z.object({ Sns: z.object({ Message: z.string(), Timestamp: z.string().optional() }) })),
});

/**
 * SNS deliveries of SES bounce and complaint events (from the sending configuration set): each permanent bounce
 * and each complaint puts the address on the suppression list, which the restraint pipeline checks before any
 * email. Idempotent: a redelivery rewrites the same item. A malformed record throws, so SNS retries it.
 */
export function createSesEventsHandler(deps: Pick<Deps, 'db' | 'clock'>) {
  return async (event: unknown) => {
    const { Records } = snsEvent.parse(event);
    let suppressed = 0;
    for (const record of Records) {
      const message: unknown = JSON.parse(record.Sns.Message);
      for (const s of suppressionsFrom(message)) {
        await suppress(deps.db, s.email, s.reason, record.Sns.Timestamp ?? deps.clock.now().toISOString());
        suppressed++;
      }
    }
    return { suppressed };
  };
}
