import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { evaluateMilestone, milestoneInput } from '#usecases/evaluate';
import type { Deps } from '../shared/runtime.ts';

const taskInput = z.object({
  task: z.literal('evaluate'),
  timer: milestoneInput,
  execution: z.string().optional(),
});

/** The MilestoneJourney state machine's Evaluate task: one milestone check (due or grace), as effects. */
export function createMilestoneJourneyHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return async (event: unknown) => evaluateMilestone(useCase, taskInput.parse(event).timer);
}
