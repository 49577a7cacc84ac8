import type { Signal } from '#core/signals';
import type { Db } from '#store/client';
import { closeRisk, getOpenRisk } from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { cancelTimers } from '#store/timer-store';

/**
 * A renewal_outcome closes the countdown: pending checkpoints and deadlines are cancelled, an open risk is closed,
 * and the timeline says so. Every step is idempotent, so a replayed outcome changes nothing.
 */
export async function closeRenewalCountdown(db: Db, signal: Signal): Promise<void> {
  const outcome = String(signal.attributes?.outcome);
  await cancelTimers(db, signal.accountId);
  const risk = await getOpenRisk(db, signal.accountId);
  if (risk) await closeRisk(db, risk, `renewal resolved: ${outcome}`, signal.occurredAt);
  await recordTimeline(db, {
    accountId: signal.accountId,
    at: new Date(signal.occurredAt).toISOString(),
    action: 'renewal_closed',
    what: `Renewal ${outcome}: countdown closed${risk ? ', open risk closed' : ''}`,
    why: `renewal_outcome signal ${signal.id}`,
    cause: `renewal_outcome:${signal.id}`,
  });
}
