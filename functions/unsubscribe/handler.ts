import { runtimeDeps } from '../shared/runtime.ts';
import { createUnsubscribeHandler } from './app.ts';

export const handler = createUnsubscribeHandler(runtimeDeps('unsubscribe'));
