/** The words the health model and its configuration share. */

export const COMPONENT_IDS = [
  'engagement',
  'adoption',
  'support',
  'sentiment',
  'relationship',
  'outcomes',
] as const;
export type ComponentId = (typeof COMPONENT_IDS)[number];

export const COMPONENT_LABELS: Record<ComponentId, string> = {
  engagement: 'Engagement',
  adoption: 'Adoption breadth',
  support: 'Support burden',
  sentiment: 'Sentiment',
  relationship: 'Relationship',
  outcomes: 'Outcomes',
};

export const BANDS = ['green', 'yellow', 'red'] as const;
export type Band = (typeof BANDS)[number];

/** ARR tiers, largest first (seed 002: "I, A, B, C & D category"). */
export const TIER_IDS = ['I', 'A', 'B', 'C', 'D'] as const;
export type TierId = (typeof TIER_IDS)[number];

/** Customer programs (seed 003). */
export const PROGRAMS = ['strategic', 'core', 'transactional'] as const;
export type Program = (typeof PROGRAMS)[number];

/** Coverage models (seed 004). */
export const TOUCHES = ['high', 'low', 'tech'] as const;
export type Touch = (typeof TOUCHES)[number];

/** Journey classes (seed 004). */
export const JOURNEY_CLASSES = ['champion', 'cruiser', 'laggard'] as const;
export type JourneyClass = (typeof JOURNEY_CLASSES)[number];
