import { runtimeDeps } from '../shared/runtime.ts';
import { createRisksHandler } from './app.ts';

export const handler = createRisksHandler(runtimeDeps('risks'));
