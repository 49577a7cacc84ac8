import { runtimeDeps } from '../shared/runtime.ts';
import { createWebhooksHandler } from './app.ts';

export const handler = createWebhooksHandler(runtimeDeps('webhooks'));
