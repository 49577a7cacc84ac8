import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { evaluateRiskStep, riskStepInput } from '#usecases/evaluate';
import type { Deps } from '../shared/runtime.ts';

const taskInput = z.object({
  task: z.literal('evaluate'),
  timer: riskStepInput,
  execution: z.string().optional(),
});

/** The RiskEscalation state machine's Evaluate task: a risk check, a tier deadline, an update, outreach, a close. */
export function createRiskEscalationHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return async (event: unknown) => evaluateRiskStep(useCase, taskInput.parse(event).timer);
}
