import { runtimeDeps } from '../shared/runtime.ts';
import { createAccountsHandler } from './app.ts';

export const handler = createAccountsHandler(runtimeDeps('accounts'));
