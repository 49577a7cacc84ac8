import { runtimeDeps } from '../shared/runtime.ts';
import { createMessagingHandler } from './app.ts';

export const handler = createMessagingHandler(runtimeDeps('messaging'));
