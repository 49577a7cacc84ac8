import type { PlayKind } from '#config/journeys-schema';

/**
 * The SES subscription topic (of the contact list the ChurnGuard construct creates) each kind of journey email is
 * sent under, so that a contact can leave the nudges and keep the milestone news. The construct checks that
 * every topic named exists in its contact list and passes the mapping to the journey function.
 */
export type JourneyTopics = Record<PlayKind, string>;

export const DEFAULT_JOURNEY_TOPICS: JourneyTopics = {
  congratulate: 'milestones',
  escalate: 'milestones',
  renewal_notice: 'milestones',
  outreach: 'milestones',
  invitation: 'milestones',
  nudge: 'nudges',
  tip: 'nudges',
};

/** The topic a kind of journey email goes under: the deployment's mapping, DEFAULT_JOURNEY_TOPICS for the rest. */
export function topicOf(kind: PlayKind, topics: Partial<JourneyTopics> = {}): string {
  return { ...DEFAULT_JOURNEY_TOPICS, ...topics }[kind];
}
