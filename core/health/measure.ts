import type { Config } from '#config/schema';
import { type AdoptionMeasures, adoptionSample, measureAdoption } from './components/adoption.ts';
import { type EngagementMeasures, engagementSample, measureEngagement } from './components/engagement.ts';
import type { BaselineSample } from './components/expected.ts';
import { measureOutcomes, type OutcomeMeasures } from './components/outcomes.ts';
import {
  measureRelationship,
  type RelationshipMeasures,
  relationshipSample,
} from './components/relationship.ts';
import { measureSentiment, type SentimentMeasures, sentimentSample } from './components/sentiment.ts';
import { measureSupport, type SupportMeasures, supportSample } from './components/support.ts';
import { type AccountContext, accountContext } from './context.ts';
import { NEEDS_TIME } from './data-needed.ts';
import type { ScoringInput } from './types.ts';
import type { ComponentId } from './vocabulary.ts';

/** What an account shows, before any comparison with its segment. Null: that data is missing. */
export interface AccountMeasures {
  engagement: EngagementMeasures | null;
  adoption: AdoptionMeasures | null;
  support: SupportMeasures;
  sentiment: SentimentMeasures | null;
  relationship: RelationshipMeasures;
  outcomes: OutcomeMeasures | null;
}

/** An account's context and measures at one instant: what the baseline sample and the score both read. */
export interface MeasuredAccount {
  context: AccountContext;
  measures: AccountMeasures;
}

/**
 * Measured once per input, configuration and instant: the daily pass samples each account for the baselines and
 * then scores it from the same input, and measuring was a fifth of what scoring cost. The input is read-only, so the
 * same input object measured at the same instant under the same configuration gives the same result.
 */
const measuredInputs = new WeakMap<ScoringInput, { config: Config; at: number; measured: MeasuredAccount }>();

export function measuredAccount(config: Config, input: ScoringInput, now: Date): MeasuredAccount {
  const known = measuredInputs.get(input);
  if (known && known.config === config && known.at === now.getTime()) return known.measured;
  const context = accountContext(config, input, now);
  const measured = { context, measures: measureAccount(context) };
  measuredInputs.set(input, { config, at: now.getTime(), measured });
  return measured;
}

export function measureAccount(context: AccountContext): AccountMeasures {
  return {
    engagement: measureEngagement(context),
    adoption: measureAdoption(context),
    support: measureSupport(context),
    sentiment: measureSentiment(context),
    relationship: measureRelationship(context),
    outcomes: measureOutcomes(context),
  };
}

/**
 * The account's values of the baseline metrics; missing data leaves a metric out, never zero. So does data too
 * short for a verdict (`tooNew`, data-needed.ts): what scoring does not judge yet is not a yardstick either.
 */
export function baselineSample(measures: AccountMeasures, tooNew = false): BaselineSample {
  const judged = (component: ComponentId) => !(tooNew && NEEDS_TIME.has(component));
  const { meetingsHeld, ...relationship } = relationshipSample(measures.relationship);
  return {
    ...(measures.engagement && judged('engagement') && engagementSample(measures.engagement)),
    ...(measures.adoption && judged('adoption') && adoptionSample(measures.adoption)),
    ...supportSample(measures.support),
    ...(measures.sentiment && sentimentSample(measures.sentiment)),
    ...relationship,
    ...(!tooNew && meetingsHeld !== undefined && { meetingsHeld }),
  };
}
