import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import { computeBaselines } from '#core/health/baselines';
import { modelVersion } from '#core/health/model-version';
import type { ScoringInput } from '#core/health/types';
import {
  account,
  dayAgo,
  daysAgo,
  healthyCoreCohort,
  healthyCoreInput,
  NOW,
  openTicket,
  signal,
  withConfig,
} from './builders.ts';

function unhealthy(): ScoringInput[] {
  const churned = healthyCoreInput('churned', [
    signal('churned', 'renewal_outcome', daysAgo(30), { attributes: { outcome: 'churned' } }),
  ]);
  const urgent = { ...healthyCoreInput('urgent'), tickets: [openTicket('urgent', 'u-1', 2, 'urgent')] };
  const young = healthyCoreInput('young');
  young.account = account({ id: 'young', goLiveDate: dayAgo(30) });
  const red = { ...healthyCoreInput('red'), history: [{ at: daysAgo(1), score: 31, band: 'red' as const }] };
  return [churned, urgent, young, red].map((input) => ({
    ...input,
    // Unmistakable values: if any of these leaked into the cohort, the median would move.
    rollups: input.rollups.map((r) => ({ ...r, counts: { ...r.counts, login: 1000 } })),
  }));
}

describe('segment baselines', () => {
  it('learn the typical values of the healthy accounts of each segment', () => {
    const baselines = computeBaselines(defaultConfig, healthyCoreCohort(9), NOW);
    const core = baselines.segments.core;
    expect(core).toMatchObject({ segment: 'core', cohortSize: 9, minCohortSize: 8 });
    expect(core?.metrics.loginsPerDay).toEqual({ value: 8, source: 'cohort', sampleSize: 9 });
    expect(core?.metrics.activeUsersPerDay?.value).toBe(4);
    expect(core?.metrics.usagePerDay?.value).toBe(100);
    expect(core?.metrics.featuresUsed?.value).toBe(6);
    expect(core?.metrics.meetingsHeld?.value).toBe(4);
    expect(core?.metrics.sponsorShare?.value).toBe(1);
  });

  it('leave out accounts that churned, have an urgent ticket, are still onboarding or were red last time', () => {
    const baselines = computeBaselines(defaultConfig, [...healthyCoreCohort(9), ...unhealthy()], NOW);
    expect(baselines.segments.core?.cohortSize).toBe(9);
    expect(baselines.segments.core?.metrics.loginsPerDay?.value).toBe(8);
  });

  it("fall back, measure by measure, to the segment's defaults when too few healthy accounts report it", () => {
    const baselines = computeBaselines(defaultConfig, healthyCoreCohort(3), NOW);
    const core = baselines.segments.core;
    expect(core?.cohortSize).toBe(3);
    expect(core?.metrics.loginsPerDay).toEqual({ value: 8, source: 'fallback', sampleSize: 3 });
    expect(core?.metrics.nps).toEqual({ value: 8, source: 'fallback', sampleSize: 3 });
    expect(core?.metrics.usagePerDay).toEqual({ value: null, source: 'fallback', sampleSize: 3 });
  });

  it('use only the accounts that have a measure when learning it', () => {
    const config = withConfig(defaultConfig, (draft) => {
      draft.health.baseline.minCohortSize = 2;
    });
    const withoutSurveys = healthyCoreCohort(3).map((input) => ({
      ...input,
      rollups: input.rollups.map((r) => ({ ...r, counts: { ...r.counts, nps: 0 } })),
    }));
    const baselines = computeBaselines(config, withoutSurveys, NOW);
    expect(baselines.segments.core?.metrics.nps).toMatchObject({ source: 'fallback', sampleSize: 0 });
    expect(baselines.segments.core?.metrics.loginsPerDay).toMatchObject({ source: 'cohort', sampleSize: 3 });
  });

  it('give every configured segment a baseline, from its defaults when it has no accounts', () => {
    const baselines = computeBaselines(defaultConfig, [], NOW);
    expect(Object.keys(baselines.segments)).toEqual(['strategic', 'core', 'transactional']);
    expect(baselines.segments.strategic?.metrics.loginsPerDay?.value).toBe(20);
    expect(baselines.segments.transactional?.metrics.meetingsHeld?.value).toBeNull();
    expect(baselines.segments.transactional?.metrics.nps?.value).toBe(8);
  });

  it('name the model and the moment they were computed for', () => {
    const baselines = computeBaselines(defaultConfig, [], NOW);
    expect(baselines.modelVersion).toBe(modelVersion(defaultConfig));
    expect(baselines.computedAt).toBe(NOW.toISOString());
  });
});

describe('model version', () => {
  it('stays the same for the same health model written in another key order', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const reordered = parseConfig(reversed(defaultConfig));
    expect(reordered.ok && Object.keys(reordered.config.segments)[0]).toBe('transactional');
    expect(reordered.ok && modelVersion(reordered.config)).toBe(modelVersion(defaultConfig));
  });

  it('changes when anything that moves a score changes, and not for sections scoring ignores', () => {
    const changed = withConfig(defaultConfig, (draft) => {
      if (draft.segments.core) draft.segments.core.health.bands.green = 71;
    });
    expect(modelVersion(changed)).not.toBe(modelVersion(defaultConfig));
    const unrelated = withConfig(defaultConfig, (draft) => {
      draft.restraint.weeklyPerContact = 3;
    });
    expect(modelVersion(unrelated)).toBe(modelVersion(defaultConfig));
  });
});
