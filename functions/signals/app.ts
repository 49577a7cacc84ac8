import { signalsEnvelope } from '#core/ingest';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { httpHandler, json, parseBody } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

/** POST /v1/signals: 202 with accepted / duplicates / rejected; valid records are stored even beside bad ones. */
export function createSignalsHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return httpHandler(deps, async (event) => {
    const { signals } = parseBody(event, signalsEnvelope);
    const { stored: _stored, ...result } = await ingest(useCase, signals);
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
