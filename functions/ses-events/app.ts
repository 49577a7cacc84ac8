import * as z from 'zod';
import { listPreferencesFrom, suppressionsFrom } from '#core/journeys/ses-events';
import { recordListPreference, suppress } from '#store/contact-preferences-store';
import type { Deps } from '../shared/runtime.ts';

const snsEvent = z.object({
  Records: z.array(z.object({ Sns: z.object({ Message: z.string(), Timestamp: z.string().optional() }) })),
});
/** SES's own events on the default EventBridge bus: the SES event record is the `detail`. */
const eventBridgeEvent = z.object({ source: z.literal('aws.ses'), time: z.string(), detail: z.unknown() });
const sesDelivery = z.union([snsEvent, eventBridgeEvent]);

/**
 * SES events of the sending configuration set, as the ChurnGuard construct delivers them (an EventBridge rule on
 * the default bus) or through an SNS destination: each permanent bounce and each complaint puts the address on the
 * suppression list, and each subscription event records which topics of the SES contact list the address now
 * refuses (SES's own unsubscribe header or preference page), which the restraint pipeline checks before any email,
 * so mail SES would refuse is not recorded as sent. Idempotent: a redelivery rewrites the same item, and an older
 * subscription event never undoes a newer one. A malformed event throws, so it is retried and then dead-lettered.
 */
export function createSesEventsHandler(deps: Pick<Deps, 'db' | 'clock'>) {
  return async (event: unknown) => {
    const delivery = sesDelivery.parse(event);
    const messages =
      'Records' in delivery
        ? delivery.Records.map((record) => ({
            message: JSON.parse(record.Sns.Message) as unknown,
            at: record.Sns.Timestamp,
          }))
        : [{ message: delivery.detail, at: delivery.time }];
    let suppressed = 0;
    let preferences = 0;
    for (const { message, at } of messages) {
      for (const s of suppressionsFrom(message)) {
        await suppress(deps.db, s.email, s.reason, at ?? deps.clock.now().toISOString());
        suppressed++;
      }
      for (const preference of listPreferencesFrom(message)) {
        if (await recordListPreference(deps.db, preference)) preferences++;
      }
    }
    return { suppressed, preferences };
  };
}
