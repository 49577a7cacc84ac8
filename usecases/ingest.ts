import { ingestOptions, ingestSignals } from '#functions/shared/ingest';
import type { UseCaseDeps } from './account-view.ts';
import { afterSignalsStored } from './risk-triggers.ts';

/**
 * ingestSignals: store each record exactly once (functions/shared/ingest.ts), then react to what is stored:
 * departures, critical signals that start a risk check, renewal outcomes that close the countdown. Every API,
 * queue and webhook path ingests through here.
 */
export async function ingest(deps: UseCaseDeps, records: readonly unknown[]) {
  const result = await ingestSignals(deps.db, records, deps.clock.now(), ingestOptions(deps.config));
  await afterSignalsStored(deps, result.stored);
  return result;
}
