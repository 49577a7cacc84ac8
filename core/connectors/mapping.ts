import { z } from 'zod';
import { entityId } from '#core/ids';
import { SIGNAL_TYPES } from '#core/signals';

/**
 * How vendor identities become churnguard accounts and how vendor events become signal types.
 * Every section has defaults, so `connectorMappingSchema.parse({})` is a working mapping; see docs/connectors.md.
 */

const accountMap = z.record(z.string().min(1), entityId).prefault({});

/** What an identify, page or screen call counts as. */
const callMapping = z.enum(['activity', 'login', 'ignore']);

const trackRule = z.strictObject({
  type: z.enum(SIGNAL_TYPES, { error: `must be one of: ${SIGNAL_TYPES.join(', ')}` }),
  /** attributes.feature for feature_used; defaults to the event name. */
  feature: z.string().min(1).max(512).optional(),
  /** attributes.milestone for milestone; defaults to the event name. */
  milestone: z.string().min(1).max(512).optional(),
  /** A numeric property that becomes the signal's value (usage counts, scores). */
  valueProperty: z.string().min(1).optional(),
  /** Properties copied into attributes when they are strings, numbers or booleans. */
  copyProperties: z.array(z.string().min(1).max(64)).max(10).prefault([]),
});
export type TrackRule = z.infer<typeof trackRule>;

const segmentMapping = z.strictObject({
  /** Where the account id is: the group call's groupId (and `context.groupId`), or a trait of that name. */
  account: z
    .discriminatedUnion('from', [
      z.strictObject({ from: z.literal('groupId') }),
      z.strictObject({ from: z.literal('trait'), trait: z.string().min(1) }),
    ])
    .prefault({ from: 'groupId' }),
  calls: z
    .strictObject({
      identify: callMapping.default('activity'),
      page: callMapping.default('activity'),
      screen: callMapping.default('activity'),
    })
    .prefault({}),
  /** Track event name -> signal. Names are matched exactly (Segment's spec uses Title Case object-action names). */
  track: z.record(z.string().min(1), trackRule).prefault({ 'Signed In': { type: 'login' } }),
  /** What a track event with no rule becomes. */
  unmappedTrack: z.enum(['activity', 'ignore']).default('activity'),
});

const stripeMapping = z.strictObject({
  /** Metadata key on the subscription, invoice or (expanded) customer that holds the churnguard account id. */
  metadataKey: z.string().min(1).default('churnguard_account_id'),
  /** Stripe customer id -> account id, consulted when no metadata names the account. */
  customers: accountMap,
});

const csatScore = z.number().int().min(1).max(5);

const zendeskMapping = z.strictObject({
  /** Zendesk organization id -> account id. */
  organizations: accountMap,
  /** When no entry above matches, use the organization's external_id as the account id. */
  externalIdIsAccountId: z.boolean().default(true),
  /** Zendesk's two-point rating on churnguard's 1-5 CSAT scale. */
  satisfaction: z.strictObject({ good: csatScore.default(5), bad: csatScore.default(1) }).prefault({}),
});

const typeformForm = z.strictObject({
  kind: z.enum(['nps', 'csat']),
  /** Field ref of the score question; by default the first `nps` field (NPS) or `rating`/`opinion_scale` field (CSAT). */
  scoreField: z.string().min(1).optional(),
  /** Field ref of a free-text answer kept as the comment. */
  commentField: z.string().min(1).optional(),
});

const surveyMapping = z.strictObject({
  typeform: z
    .strictObject({
      /** Hidden field carrying the account id (pass it in the survey link: `#account_id=acme`). */
      accountHiddenField: z.string().min(1).default('account_id'),
      /** Hidden field carrying the respondent's email, used when no email question is answered. */
      emailHiddenField: z.string().min(1).default('email'),
      /** Typeform form id -> how to read it. Responses to forms not listed here are ignored. */
      forms: z.record(z.string().min(1), typeformForm).prefault({}),
    })
    .prefault({}),
});

export const connectorMappingSchema = z.strictObject({
  segment: segmentMapping.prefault({}),
  stripe: stripeMapping.prefault({}),
  zendesk: zendeskMapping.prefault({}),
  survey: surveyMapping.prefault({}),
});

export type ConnectorMapping = z.infer<typeof connectorMappingSchema>;
export type ConnectorMappingInput = z.input<typeof connectorMappingSchema>;
export type SegmentMapping = ConnectorMapping['segment'];
export type StripeMapping = ConnectorMapping['stripe'];
export type ZendeskMapping = ConnectorMapping['zendesk'];
export type SurveyMapping = ConnectorMapping['survey'];

export const defaultConnectorMapping: ConnectorMapping = connectorMappingSchema.parse({});
