import { SFNClient } from '@aws-sdk/client-sfn';
import { runtimeDeps } from '../shared/runtime.ts';
import { captureAwsClient } from '../shared/telemetry.ts';
import { createDispatcherHandler } from './app.ts';
import { sfnStarter } from './sfn-starter.ts';

export const handler = createDispatcherHandler({
  ...runtimeDeps('dispatcher'),
  starter: sfnStarter(process.env.STATE_MACHINE_ARNS, captureAwsClient(new SFNClient({}))),
});
