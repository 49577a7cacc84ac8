import { runtimeDeps } from '../shared/runtime.ts';
import { createSignalsHandler } from './app.ts';

export const handler = createSignalsHandler(runtimeDeps('signals'));
