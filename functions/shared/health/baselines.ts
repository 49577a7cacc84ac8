import type { Config } from '#config/schema';
import { modelVersion } from '#core/health/model-version';
import type { Baselines } from '#core/health/types';
import { readBaselines } from '#store/baseline-store';
import type { Db } from '#store/client';

/**
 * The stored baselines, or none at all before the first baseline pass: every segment then takes its configured
 * defaults, and each snapshot says so in its notes.
 */
export async function currentBaselines(db: Db, config: Config, now: Date): Promise<Baselines> {
  return (
    (await readBaselines(db)) ?? {
      modelVersion: modelVersion(config),
      computedAt: now.toISOString(),
      segments: {},
    }
  );
}
