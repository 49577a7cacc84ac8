import type { BaselineMetric, Config } from '#config/schema';
import { issueDrivers } from '#core/issues/overdue';
import { bandFor } from './bands.ts';
import { baselineFor } from './baselines.ts';
import { scoreAdoption } from './components/adoption.ts';
import { withCustomMeasures } from './components/custom.ts';
import { scoreEngagement } from './components/engagement.ts';
import { scoreOutcomes } from './components/outcomes.ts';
import { scoreRelationship } from './components/relationship.ts';
import { scoreSentiment } from './components/sentiment.ts';
import { scoreSupport } from './components/support.ts';
import type { AccountContext } from './context.ts';
import { applyCriticalFindings } from './critical-findings.ts';
import { NEEDS_TIME, notEnoughDataYet } from './data-needed.ts';
import { topDrivers } from './drivers.ts';
import { type AccountMeasures, measuredAccount } from './measure.ts';
import { modelVersion } from './model-version.ts';
import { segmentConfig } from './segmentation.ts';
import { scoreTrend } from './trend.ts';
import type {
  Baselines,
  ComponentResult,
  ComponentSnapshot,
  Driver,
  HealthSnapshot,
  ScoringInput,
  SegmentBaseline,
} from './types.ts';
import { COMPONENT_IDS, COMPONENT_LABELS, type ComponentId } from './vocabulary.ts';
import { weightedScore } from './weighting.ts';

function evaluate(
  component: ComponentId,
  measures: AccountMeasures,
  baseline: SegmentBaseline,
  context: AccountContext,
  tooNew: string | undefined,
): ComponentResult {
  if (tooNew && NEEDS_TIME.has(component)) return { status: 'unknown', reason: tooNew };
  const own = evaluateOwn(component, measures, baseline, context);
  const custom = context.config.health.measures?.custom ?? [];
  return withCustomMeasures(own, component, custom, context);
}

function evaluateOwn(
  component: ComponentId,
  measures: AccountMeasures,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  switch (component) {
    case 'engagement':
      return scoreEngagement(measures.engagement, baseline, context);
    case 'adoption':
      return scoreAdoption(measures.adoption, baseline, context);
    case 'support':
      return scoreSupport(measures.support, baseline, context);
    case 'sentiment':
      return scoreSentiment(measures.sentiment, baseline, context);
    case 'relationship':
      return scoreRelationship(measures.relationship, baseline, context);
    case 'outcomes':
      return scoreOutcomes(measures.outcomes, context);
  }
}

function fallbacksUsed(components: readonly ComponentSnapshot[]): BaselineMetric[] {
  const metrics = components.flatMap((component) =>
    component.status === 'known'
      ? component.measures.flatMap((m) =>
          m.expectedFrom === 'fallback' && m.baselineMetric ? [m.baselineMetric] : [],
        )
      : [],
  );
  return [...new Set(metrics)];
}

function explain(
  snapshot: Omit<HealthSnapshot, 'notes'>,
  baselines: Baselines,
  cohortLabel: string,
  tooNew: string | undefined,
): string[] {
  const notes: string[] = [...snapshot.segment.notes];
  if (snapshot.score === null)
    notes.push(tooNew ? `no verdict yet: ${tooNew}` : 'no component could be scored: every one lacks data');
  if (snapshot.renormalised) {
    const unknown = snapshot.unknown.map((u) => `${COMPONENT_LABELS[u.component]} (${u.reason})`).join('; ');
    notes.push(
      `left out as unknown: ${unknown}; the known components' weights were scaled up to fill their share`,
    );
  }
  const { fallbacks, cohortSize, minCohortSize } = snapshot.baseline;
  if (fallbacks.length > 0) {
    notes.push(
      `${cohortLabel} baseline for ${fallbacks.join(', ')} uses the configured defaults: fewer than ${minCohortSize} ` +
        `healthy ${cohortLabel} accounts reported them (healthy cohort: ${cohortSize})`,
    );
  }
  if (baselines.modelVersion !== snapshot.modelVersion) {
    notes.push(
      `baselines were computed under model ${baselines.modelVersion}; recompute them for ${snapshot.modelVersion}`,
    );
  }
  return notes;
}

/**
 * The account's health at `now`: each weighted component judged against its segment's baseline, combined
 * into a 0-100 score whose contributions add up exactly (see weighting.ts), a band from the segment's
 * thresholds, the findings that cost most, and the change against earlier scores.
 */
export function scoreAccount(
  config: Config,
  input: ScoringInput,
  baselines: Baselines,
  now: Date,
): HealthSnapshot {
  const { context, measures } = measuredAccount(config, input, now);
  const { segment } = context;
  const { health } = segmentConfig(config, segment.segment);
  const baseline = baselineFor(config, baselines, segment.segment);
  const tooNew = notEnoughDataYet(context);
  const { score, components } = weightedScore(
    COMPONENT_IDS.flatMap((component) => {
      const weight = health.weights[component];
      return weight === undefined
        ? []
        : [{ component, weight, result: evaluate(component, measures, baseline, context, tooNew) }];
    }),
  );
  const unknown = components.flatMap((c) =>
    c.status === 'unknown' ? [{ component: c.component, reason: c.reason }] : [],
  );
  const scoredBand = score === null ? 'unknown' : bandFor(score, health.bands);
  const capped: { band: HealthSnapshot['band']; drivers: Driver[] } =
    scoredBand === 'unknown'
      ? { band: scoredBand, drivers: [] }
      : applyCriticalFindings(config.health.criticalFindings ?? [], segment.segment, scoredBand, components);
  const snapshot: Omit<HealthSnapshot, 'notes'> = {
    accountId: input.account.id,
    at: now.toISOString(),
    modelVersion: modelVersion(config),
    segment,
    score,
    band: capped.band,
    bands: { green: health.bands.green, yellow: health.bands.yellow },
    components,
    renormalised: unknown.length > 0 && score !== null,
    unknown,
    baseline: {
      segment: segment.segment,
      computedAt: baselines.segments[segment.segment] ? baselines.computedAt : null,
      cohortSize: baseline.cohortSize,
      minCohortSize: baseline.minCohortSize,
      fallbacks: fallbacksUsed(components),
    },
    // Caps and overdue issues first: they say why the band is what it is and what was promised; then the points.
    drivers: [
      ...capped.drivers,
      ...issueDrivers(input.issues ?? [], now),
      ...topDrivers(components, config.health.maxDrivers),
    ],
    trend: scoreTrend(score, input.history ?? [], now),
  };
  return { ...snapshot, notes: explain(snapshot, baselines, segment.label, tooNew) };
}
