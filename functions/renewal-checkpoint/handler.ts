import { SESv2Client } from '@aws-sdk/client-sesv2';
import { mailerFromEnv } from '../shared/mailer.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { captureAwsClient } from '../shared/telemetry.ts';
import { createRenewalCheckpointHandler } from './app.ts';

export const handler = createRenewalCheckpointHandler({
  ...runtimeDeps('renewal-checkpoint'),
  mailer: mailerFromEnv(process.env, captureAwsClient(new SESv2Client({}))),
});
