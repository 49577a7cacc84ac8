import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { checkpointInput, evaluateCheckpoint } from '#usecases/evaluate';
import type { Deps } from '../shared/runtime.ts';

const taskInput = z.object({
  task: z.literal('evaluate'),
  timer: checkpointInput,
  execution: z.string().optional(),
});

/** The RenewalCheckpoint state machine's Evaluate task: what one checkpoint decides, as effects. */
export function createRenewalCheckpointHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return async (event: unknown) => evaluateCheckpoint(useCase, taskInput.parse(event).timer);
}
