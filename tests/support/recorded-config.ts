import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';

/**
 * The default config as the recorded health fixtures were written under: without its critical findings
 * (health.criticalFindings, issue 15) and its measures (health.measures, issue 19), which came after them. The cap's own behaviour is pinned by
 * tests/unit/health/critical-findings.test.ts and tests/integration/relationship-cap.test.ts; with this config the
 * fixtures check that everything else scores as recorded. The band lines are pinned as recorded too.
 */
const { criticalFindings: _added, measures: _addedLater, ...healthAsRecorded } = defaultConfig.health;

/** The segments' band lines as recorded: the defaults were refitted to the log scale of health.measures after. */
const BANDS_AS_RECORDED: Record<string, { green: number; yellow: number }> = {
  strategic: { green: 75, yellow: 55 },
  core: { green: 70, yellow: 50 },
  transactional: { green: 65, yellow: 40 },
};

const segmentsAsRecorded: Config['segments'] = Object.fromEntries(
  Object.entries(defaultConfig.segments).map(([id, segment]) => [
    id,
    { ...segment, health: { ...segment.health, bands: BANDS_AS_RECORDED[id] ?? segment.health.bands } },
  ]),
);

export const configAsRecorded: Config = {
  ...defaultConfig,
  segments: segmentsAsRecorded,
  health: healthAsRecorded,
};
