import { sesMailer } from '../shared/mailer.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { createRenewalCheckpointHandler } from './app.ts';

const sender = process.env.SENDER_EMAIL;

export const handler = createRenewalCheckpointHandler({
  ...runtimeDeps('renewal-checkpoint'),
  mailer: sender
    ? sesMailer({ from: sender, configurationSet: process.env.SES_CONFIGURATION_SET })
    : undefined,
});
