import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { evaluateMilestone, evaluateTip, milestoneInput, tipInput } from '#usecases/evaluate';
import type { Deps } from '../shared/runtime.ts';

const taskInput = z.object({
  task: z.literal('evaluate'),
  timer: z.union([milestoneInput, tipInput]),
  execution: z.string().optional(),
});

/**
 * The MilestoneJourney state machine's Evaluate task: one milestone check (due or grace) or one tip of the
 * segment's cadence, as effects.
 */
export function createMilestoneJourneyHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return async (event: unknown) => {
    const { timer } = taskInput.parse(event);
    return 'milestone' in timer ? evaluateMilestone(useCase, timer) : evaluateTip(useCase, timer);
  };
}
