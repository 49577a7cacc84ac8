import { runtimeDeps } from '../shared/runtime.ts';
import { createRenewalCheckpointHandler } from './app.ts';

export const handler = createRenewalCheckpointHandler(runtimeDeps('renewal-checkpoint'));
