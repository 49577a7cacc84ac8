import type { RenewalOutcome } from '#core/signals';
import { type ContractSource, signalId, type UnboundPatch, type UnboundSignal } from './shared.ts';

/** The status a lost renewal deal or opportunity leaves its contract sources in: not in force, so not counted. */
export const CLOSED_LOST = 'closed_lost';

/**
 * A renewal deal (HubSpot) or opportunity (Salesforce) closed lost: the renewal it stood for is resolved with the
 * configured outcome (`churned` by default), as a Stripe cancellation resolves a subscription's. Two things come of
 * it: a `renewal_outcome` signal (id `<source>:<kind>:<id>:lost`, so a replay or a later edit of the lost deal
 * is a duplicate), which records the outcome in the contract history and closes the countdown; and a patch of
 * each of the deal's contract sources to `closed_lost`, so its amount no longer counts in ARR nor its date as
 * the renewal. The signal is ingested before the patches are applied (functions/webhooks/receive.ts), so the
 * outcome records the ARR the renewal was worth.
 */
export function lostRenewal(input: {
  source: Extract<ContractSource, 'hubspot' | 'salesforce'>;
  kind: 'deal' | 'opportunity';
  id: string;
  sourceRefs: readonly string[];
  eventId: string;
  observedAt: string;
  outcome: RenewalOutcome;
  stage: string;
}): { patches: UnboundPatch[]; signal: UnboundSignal } {
  return {
    patches: input.sourceRefs.map((sourceRef) => ({
      source: input.source,
      sourceRef,
      eventId: input.eventId,
      observedAt: input.observedAt,
      status: CLOSED_LOST,
    })),
    signal: {
      id: signalId(input.source, input.kind, input.id, 'lost'),
      type: 'renewal_outcome',
      occurredAt: input.observedAt,
      attributes: { outcome: input.outcome, [input.kind]: input.id, stage: input.stage },
    },
  };
}
