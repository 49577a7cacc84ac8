import * as z from 'zod';
import { useCaseDeps } from '#usecases/account-view';
import { evaluateProgrammeReview, reviewInput } from '#usecases/evaluate';
import type { Deps } from '../shared/runtime.ts';

const taskInput = z.object({
  task: z.literal('evaluate'),
  timer: reviewInput,
  execution: z.string().optional(),
});

/** The ReviewProgramme state machine's Evaluate task: what one programme review decides, as effects. */
export function createReviewProgrammeHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return async (event: unknown) => evaluateProgrammeReview(useCase, taskInput.parse(event).timer);
}
