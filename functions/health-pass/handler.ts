import { runtimeDeps } from '../shared/runtime.ts';
import { createHealthPassHandler } from './app.ts';

export const handler = createHealthPassHandler(runtimeDeps('health-pass'));
