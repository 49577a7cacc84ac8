import { runtimeDeps } from '../shared/runtime.ts';
import { createSesEventsHandler } from './app.ts';

export const handler = createSesEventsHandler(runtimeDeps('ses-events'));
