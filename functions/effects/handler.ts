import { SESv2Client } from '@aws-sdk/client-sesv2';
import { precompiledTemplates } from '#core/journeys/render-message';
import { useCaseDeps } from '#usecases/account-view';
import { functionBundle } from '../shared/bundled-config.ts';
import { posterFromEnv } from '../shared/chat-poster.ts';
import { mailerFromEnv } from '../shared/mailer.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { captureAwsClient } from '../shared/telemetry.ts';
import { createEffectsHandler, journeyTopicsFromEnv } from './app.ts';

const bundle = functionBundle();
if (!bundle?.templates) {
  throw new Error(
    'effects needs its templates compiled into the bundle; deploy it with the ChurnGuard construct',
  );
}

export const handler = createEffectsHandler({
  ...useCaseDeps(runtimeDeps('effects')),
  compile: precompiledTemplates(bundle.config.templates, bundle.templates),
  topics: journeyTopicsFromEnv(),
  mailer: mailerFromEnv(process.env, captureAwsClient(new SESv2Client({}))),
  poster: posterFromEnv(),
});
