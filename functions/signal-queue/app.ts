import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { signalsEnvelope } from '#core/ingest';
import { fieldErrors } from '#core/validation';
import { recordRejects } from '#store/reject-store';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import type { Deps } from '../shared/runtime.ts';

export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * Bulk/async ingest: each SQS message holds `{ "signals": [...] }` like POST /v1/signals. A message that is not
 * that shape fails alone (partial batch response) and, after the queue's retries, rests in the DLQ. Records
 * rejected inside a good message are stored with their reasons under INGEST#REJECTS.
 */
export function createSignalQueueHandler(deps: Deps) {
  const processor = new BatchProcessor(EventType.SQS);
  async function processRecord(record: SQSRecord): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new PoisonMessageError(`message ${record.messageId} is not JSON`);
    }
    const envelope = signalsEnvelope.safeParse(body);
    if (!envelope.success) {
      const reasons = fieldErrors(envelope.error).map((e) => `${e.path}: ${e.message}`);
      throw new PoisonMessageError(`message ${record.messageId}: ${reasons.join('; ')}`);
    }
    const now = deps.clock.now();
    const result = await ingest(useCaseDeps(deps), envelope.data.signals);
    if (result.rejected.length) {
      await recordRejects(deps.db, `sqs:${record.messageId}`, now, envelope.data.signals, result.rejected);
    }
    deps.logger.info('queued signals ingested', {
      messageId: record.messageId,
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected.length,
    });
  }
  return (event: SQSEvent) => processPartialResponse(event, processRecord, processor);
}
