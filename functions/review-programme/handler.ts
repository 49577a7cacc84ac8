import { runtimeDeps } from '../shared/runtime.ts';
import { createReviewProgrammeHandler } from './app.ts';

export const handler = createReviewProgrammeHandler(runtimeDeps('review-programme'));
