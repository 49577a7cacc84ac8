import { mailerFromEnv } from '../shared/mailer.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { createDigestHandler } from './app.ts';

export const handler = createDigestHandler({ ...runtimeDeps('digest'), mailer: mailerFromEnv() });
