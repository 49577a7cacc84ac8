import { signalsEnvelope } from '#core/ingest';
import { httpHandler, json, parseBody } from '../shared/http.ts';
import { ingestOptions, ingestSignals } from '../shared/ingest.ts';
import type { Deps } from '../shared/runtime.ts';

/** POST /v1/signals: 202 with accepted / duplicates / rejected; valid records are stored even beside bad ones. */
export function createSignalsHandler(deps: Deps) {
  return httpHandler(deps, async (event) => {
    const { signals } = parseBody(event, signalsEnvelope);
    const result = await ingestSignals(deps.db, signals, deps.clock.now(), ingestOptions(deps.config));
    deps.logger.info('signals ingested', {
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected.length,
    });
    deps.metrics?.count({
      SignalsAccepted: result.accepted,
      SignalsDuplicate: result.duplicates,
      SignalsRejected: result.rejected.length,
    });
    return json(202, result);
  });
}
