import { runtimeDeps } from '../shared/runtime.ts';
import { createMilestoneJourneyHandler } from './app.ts';

export const handler = createMilestoneJourneyHandler(runtimeDeps('milestone-journey'));
