import { precompiledTemplates } from '#core/journeys/render-message';
import { functionBundle } from '../shared/bundled-config.ts';
import { runtimeDeps } from '../shared/runtime.ts';
import { createMilestoneJourneyHandler, journeyTopicsFromEnv } from './app.ts';

const bundle = functionBundle();
if (!bundle?.templates) {
  throw new Error(
    'milestone-journey needs its templates compiled into the bundle (CHURNGUARD_CONFIG_FILE); deploy it with the ChurnGuard construct',
  );
}

export const handler = createMilestoneJourneyHandler(runtimeDeps('milestone-journey'), {
  compile: precompiledTemplates(bundle.config.templates, bundle.templates),
  topics: journeyTopicsFromEnv(),
});
