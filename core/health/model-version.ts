import { createHash } from 'node:crypto';
import type { Config } from '#config/schema';

/** Bumped whenever a formula changes, so that the same config under new code reads as a new model. */
export const FORMULA_VERSION = 1;

/** JSON with keys sorted and undefined fields left out, so that two equal values built in a different order read the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const versions = new WeakMap<Config, string>();

/**
 * A stable name for the health model: a hash of everything that changes a score (segmentation, segments,
 * health, journey baseline) and of the formula version. Sections scoring does not read are left out.
 */
export function modelVersion(config: Config): string {
  const cached = versions.get(config);
  if (cached) return cached;
  const { segmentation, segments, health, journeyBaseline } = config;
  const digest = createHash('sha256')
    .update(canonical({ formula: FORMULA_VERSION, segmentation, segments, health, journeyBaseline }))
    .digest('hex');
  const version = `health-v${FORMULA_VERSION}-${digest.slice(0, 12)}`;
  versions.set(config, version);
  return version;
}
