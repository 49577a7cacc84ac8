import { SESv2Client } from '@aws-sdk/client-sesv2';
import { posterFromEnv } from '../shared/chat-poster.ts';
import { mailerFromEnv } from '../shared/mailer.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { captureAwsClient } from '../shared/telemetry.ts';
import { createDigestHandler } from './app.ts';

export const handler = createDigestHandler({
  ...runtimeDeps('digest'),
  mailer: mailerFromEnv(process.env, captureAwsClient(new SESv2Client({}))),
  poster: posterFromEnv(),
});
