import { runtimeDeps } from '../shared/runtime.ts';
import { createSignalQueueHandler } from './app.ts';

export const handler = createSignalQueueHandler(runtimeDeps('signal-queue'));
