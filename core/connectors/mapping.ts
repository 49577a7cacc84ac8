import * as z from 'zod';
import { CONTACT_ROLES } from '#core/accounts';
import { entityId } from '#core/ids';
import { METRIC_NAME, METRIC_NAME_RULE, RENEWAL_OUTCOMES, SIGNAL_TYPES } from '#core/signals';
import { CONTRACT_VALUE_SOURCES } from './contract.ts';

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
  /** attributes.name for metric (a custom metric, read with valueProperty); defaults to the event name. */
  metric: z.string().regex(METRIC_NAME, METRIC_NAME_RULE).optional(),
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

const propertyName = z.string().min(1).max(256);

const hubspotMapping = z.strictObject({
  /**
   * The URL HubSpot posts to, exactly as entered in the app's webhook settings: signature v3 signs it. Unset: the
   * URL the request arrived at (`https://<Host><path>?<query>`), which is right behind API Gateway's own domain.
   */
  webhookUrl: z.url().optional(),
  /** HubSpot company id -> account id; other companies are accounts of their own id (`companyIdIsAccountId`). */
  companies: accountMap,
  companyIdIsAccountId: z.boolean().default(true),
  /** Company properties read into the account's profile by `company.propertyChange` webhooks (internal names). */
  companyProperties: z
    .strictObject({
      name: propertyName.default('name'),
      region: propertyName.default('churnguard_region'),
      owner: propertyName.default('hubspot_owner_id'),
    })
    .prefault({}),
  /**
   * Contact properties read by `contact.propertyChange` webhooks (internal names): a contact appears on its
   * company's account once it has an email and a company (core/connectors/hubspot-contact.ts).
   */
  contactProperties: z
    .strictObject({
      email: propertyName.default('email'),
      firstName: propertyName.default('firstname'),
      lastName: propertyName.default('lastname'),
      role: propertyName.default('jobtitle'),
      company: propertyName.default('associatedcompanyid'),
    })
    .prefault({}),
  /** Role property value -> churnguard role; a value that is a role's own name is that role, any other `user`. */
  contactRoles: z
    .record(
      z.string().min(1),
      z.enum(CONTACT_ROLES, { error: `must be one of: ${CONTACT_ROLES.join(', ')}` }),
    )
    .prefault({}),
  /** HubSpot owner id -> the CSM it is (HubSpot names owners by id): what a company's new owner becomes. */
  owners: z
    .record(
      z.string().min(1),
      z.strictObject({
        name: z.string().min(1).max(200),
        email: z.email({ error: 'must be an email address' }),
      }),
    )
    .prefault({}),
  /** Deal properties read as the contract (internal names; `closedate` is the close date of a renewal deal). */
  deals: z
    .strictObject({
      renewalDate: propertyName.default('closedate'),
      amount: propertyName.default('amount'),
      currency: propertyName.default('deal_currency_code'),
      /** The pipeline stage property, and its values that mean the renewal was lost (internal stage ids). */
      stage: propertyName.default('dealstage'),
      lostStages: z.array(z.string().min(1)).min(1).prefault(['closedlost']),
      /** The renewal outcome a lost renewal deal records (crm-lost.ts). */
      lostOutcome: z
        .enum(RENEWAL_OUTCOMES, { error: `must be one of: ${RENEWAL_OUTCOMES.join(', ')}` })
        .default('churned'),
    })
    .prefault({}),
  /**
   * A company created in HubSpot becomes an account once it has a name, a region and a mapped owner, and one of
   * its deals a renewal date and an amount (core/connectors/hubspot-account.ts). HubSpot's webhooks say nothing of
   * the contract's start or, when the deal has none, its currency: these fill them in.
   */
  newAccounts: z
    .strictObject({
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
      /** The contract starts this many months before the renewal date (and the account goes live then). */
      contractMonths: z.number().int().min(1).max(120).default(12),
    })
    .prefault({}),
});

const posthogRule = z.strictObject({
  type: z.enum(['login', 'feature_used', 'activity'], { error: 'must be login, feature_used or activity' }),
  /** attributes.feature for feature_used: this event property, else the event name. */
  featureProperty: z.string().min(1).max(256).optional(),
});

const posthogMapping = z.strictObject({
  /** The group type whose key is the account id (group analytics; `company` in PostHog's docs). */
  groupType: z.string().min(1).max(64).default('company'),
  /** Event name -> signal. */
  events: z
    .record(z.string().min(1).max(256), posthogRule)
    .prefault({ user_logged_in: { type: 'login' }, $pageview: { type: 'activity' } }),
  /** What an event with no rule becomes. */
  unmapped: z.enum(['activity', 'ignore']).default('ignore'),
});

const salesforceMapping = z.strictObject({
  /** The org ids (15 or 18 characters) whose outbound messages are accepted; empty: none is. */
  organizationIds: z
    .array(z.string().regex(/^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/, 'must be a Salesforce org id (00D...)'))
    .prefault([]),
  /** Salesforce Account Id -> account id; other accounts are accounts of their own Id (`accountIdIsAccountId`). */
  accounts: accountMap,
  accountIdIsAccountId: z.boolean().default(true),
  /** Opportunity fields read as the contract. */
  opportunities: z
    .strictObject({
      renewalDate: propertyName.default('CloseDate'),
      amount: propertyName.default('Amount'),
      currency: propertyName.default('CurrencyIsoCode'),
      /** Only opportunities of these types are renewals; empty: every opportunity is. */
      types: z.array(z.string().min(1)).prefault(['Renewal', 'Existing Customer - Renewal']),
      /** Stages that mean the renewal was lost, besides IsClosed true with IsWon false. */
      lostStages: z.array(z.string().min(1)).prefault(['Closed Lost']),
      /** The renewal outcome a lost renewal opportunity records (crm-lost.ts). */
      lostOutcome: z
        .enum(RENEWAL_OUTCOMES, { error: `must be one of: ${RENEWAL_OUTCOMES.join(', ')}` })
        .default('churned'),
    })
    .prefault({}),
});

const contractsMapping = z.strictObject({
  /**
   * Who carries the contract value when Stripe and a CRM both feed an account (core/connectors/contract.ts):
   * `billing` (default) or `crm`. The other side's amounts are left out of ARR; its dates still count.
   */
  arrFrom: z
    .enum(CONTRACT_VALUE_SOURCES, { error: `must be one of: ${CONTRACT_VALUE_SOURCES.join(', ')}` })
    .default('billing'),
});

export const connectorMappingSchema = z.strictObject({
  contracts: contractsMapping.prefault({}),
  segment: segmentMapping.prefault({}),
  stripe: stripeMapping.prefault({}),
  zendesk: zendeskMapping.prefault({}),
  survey: surveyMapping.prefault({}),
  hubspot: hubspotMapping.prefault({}),
  posthog: posthogMapping.prefault({}),
  salesforce: salesforceMapping.prefault({}),
});

export type ConnectorMapping = z.infer<typeof connectorMappingSchema>;
export type ConnectorMappingInput = z.input<typeof connectorMappingSchema>;
export type SegmentMapping = ConnectorMapping['segment'];
export type StripeMapping = ConnectorMapping['stripe'];
export type ZendeskMapping = ConnectorMapping['zendesk'];
export type SurveyMapping = ConnectorMapping['survey'];
export type HubspotMapping = ConnectorMapping['hubspot'];
export type PosthogMapping = ConnectorMapping['posthog'];
export type SalesforceMapping = ConnectorMapping['salesforce'];

export const defaultConnectorMapping: ConnectorMapping = connectorMappingSchema.parse({});
