import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';

/**
 * The default config as the recorded health fixtures were written under: without its critical findings
 * (health.criticalFindings, issue 15) and its measures (health.measures, issue 19), which came after them. The cap's own behaviour is pinned by
 * tests/unit/health/critical-findings.test.ts and tests/integration/relationship-cap.test.ts; with this config the
 * fixtures check that everything else scores as recorded.
 */
const { criticalFindings: _added, measures: _addedLater, ...healthAsRecorded } = defaultConfig.health;
export const configAsRecorded: Config = { ...defaultConfig, health: healthAsRecorded };
