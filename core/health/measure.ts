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
import type { AccountContext } from './context.ts';

/** What an account shows, before any comparison with its segment. Null: that data is missing. */
export interface AccountMeasures {
  engagement: EngagementMeasures | null;
  adoption: AdoptionMeasures | null;
  support: SupportMeasures;
  sentiment: SentimentMeasures | null;
  relationship: RelationshipMeasures;
  outcomes: OutcomeMeasures | null;
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

/** The account's values of the baseline metrics; missing data leaves a metric out, never zero. */
export function baselineSample(measures: AccountMeasures): BaselineSample {
  return {
    ...(measures.engagement && engagementSample(measures.engagement)),
    ...(measures.adoption && adoptionSample(measures.adoption)),
    ...supportSample(measures.support),
    ...(measures.sentiment && sentimentSample(measures.sentiment)),
    ...relationshipSample(measures.relationship),
  };
}
