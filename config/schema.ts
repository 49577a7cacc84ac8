import * as z from 'zod';
import { BANDS, COMPONENT_IDS, PROGRAMS, TIER_IDS, TOUCHES } from '#core/health/vocabulary';
import { DEFAULT_RAW_SIGNAL_DAYS, RENEWAL_OUTCOMES, SIGNAL_TYPES } from '#core/signals';
import { channelsSchema, NO_CHANNELS } from './channels-schema.ts';
import { criticalFindingsSchema } from './critical-findings-schema.ts';
import { defaultEscalation, defaultTimers } from './escalation-default.ts';
import { escalationSchema, timersSchema } from './escalation-schema.ts';
import {
  brandSchema,
  journeysSchema,
  messagingSchema,
  playsSchema,
  restraintSchema,
  templatesSchema,
  tipsSchema,
} from './journeys-schema.ts';
import { measuresSchema } from './measures-schema.ts';
import { defaultReviews } from './reviews-default.ts';
import { reviewsSchema } from './reviews-schema.ts';

/**
 * The churnguard configuration: segments and health, journeys and plays, restraint, messaging, retention, the
 * renewal countdown and the Red Account Process. Every section is honoured; none is accepted and ignored. Rules within one object (band order, tier order) are refinements here; rules that span sections
 * (segment references, windows inside the lookback) are in config/cross-checks.ts.
 */

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;
const days = (what: string) =>
  z
    .number({ error: `must be a number of days (${what})` })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(3650, 'must be at most 3650 days');
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
const share = z
  .number({ error: 'must be from 0 to 1' })
  .min(0, 'must be from 0 to 1')
  .max(1, 'must be from 0 to 1');
const score100 = z
  .number({ error: 'must be from 0 to 100' })
  .min(0, 'must be from 0 to 100')
  .max(100, 'must be from 0 to 100');
const label = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** Names what is wrong with a key, instead of zod's "Invalid key in record". */
const badKey = (message: string) => (issue: { code?: string }) =>
  issue.code === 'invalid_key' ? message : undefined;

export const segmentId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be lower case letters, digits and dashes, starting with a letter');
const milestoneId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be lower case letters, digits and underscores, starting with a letter',
  );

const tierId = z.enum(TIER_IDS, { error: oneOf(TIER_IDS) });
const notATier = badKey(`is not a tier; tiers are ${TIER_IDS.join(', ')}`);
const touch = z.enum(TOUCHES, { error: oneOf(TOUCHES) });

/** ARR thresholds: an account belongs to the first tier (I, A, B, C, D) whose `minArr` it reaches. */
const tiersSchema = z
  .record(tierId, z.strictObject({ minArr: z.number().finite().min(0, 'must not be negative') }), {
    error: notATier,
  })
  .superRefine((tiers, ctx) => {
    TIER_IDS.forEach((tier, index) => {
      const previous = TIER_IDS[index - 1];
      if (previous !== undefined && tiers[tier].minArr >= tiers[previous].minArr) {
        ctx.addIssue({
          code: 'custom',
          path: [tier, 'minArr'],
          message: `must be below tier ${previous} (${tiers[previous].minArr}); tiers run from largest (I) to smallest (D)`,
        });
      }
    });
    if (tiers.D.minArr !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['D', 'minArr'],
        message: 'must be 0 so that every account has a tier',
      });
    }
  });

const segmentationSchema = z.strictObject({
  tiers: tiersSchema,
  /** Which segment and touch model each tier gets unless the account names its own segment. */
  byTier: z.record(tierId, z.strictObject({ segment: segmentId, touch }), { error: notATier }),
});

const bandsSchema = z
  .strictObject({
    /** A score at or above `green` is green; at or above `yellow` is yellow; below `yellow` is red. */
    green: score100,
    yellow: score100,
  })
  .superRefine((bands, ctx) => {
    if (bands.yellow >= bands.green) {
      ctx.addIssue({ code: 'custom', path: ['yellow'], message: `must be below green (${bands.green})` });
    }
  });

/** Typical values of healthy accounts; `null` means "no default: skip this measure without a cohort". */
const typical = z
  .number({ error: 'must be a number or null' })
  .finite()
  .min(0, 'must not be negative')
  .nullable();
export const baselineMetricsSchema = z.strictObject({
  loginsPerDay: typical,
  activeUsersPerDay: typical,
  /** In the vendor's own usage unit, so there is rarely a sensible default. */
  usagePerDay: typical,
  featuresUsed: typical,
  openTickets: typical,
  ticketsPer30Days: typical,
  staleTickets: typical,
  urgentTickets: typical,
  /** Mean NPS answer, 0-10. */
  nps: typical,
  /** Mean CSAT answer, 1-5. */
  csat: typical,
  /** Share of healthy accounts with a sponsor, 0-1. */
  sponsorShare: typical,
  /** Meetings held within the relationship window. */
  meetingsHeld: typical,
  /** Relationship scorecard, 0-10. */
  relationshipScore: typical,
  /** Active users a day per licensed seat (`contract.seats`); no default when absent (health.measures). */
  activeUsersPerSeat: typical.optional(),
  /** Usage a day per licensed seat; no default when absent. */
  usagePerSeat: typical.optional(),
  /** Usage a day per `health.measures.perArr` of ARR; no default when absent. */
  usagePerArr: typical.optional(),
});

const segmentHealthSchema = z.strictObject({
  /** Relative weights; only listed components count. They need not sum to 100: they are normalised. */
  weights: z
    .partialRecord(
      z.enum(COMPONENT_IDS),
      z.number({ error: 'must be a number' }).finite().positive('must be positive'),
      {
        error: badKey(`is not a health component; ${oneOf(COMPONENT_IDS)}`),
      },
    )
    .refine((weights) => Object.keys(weights).length > 0, 'must give at least one component a weight'),
  bands: bandsSchema,
  /** Replaces the global fallback for this segment, measure by measure. */
  baselineDefaults: baselineMetricsSchema.partial().optional(),
});

const segmentJourneySchema = z.strictObject({
  dueDays: z
    .record(milestoneId, days('due day after go-live'), { error: badKey('is not a milestone id') })
    .optional(),
  graceDays: wholeNumber(0, 365).optional(),
});

const segmentSchema = z.strictObject({
  /** How people name the segment in drivers: "usage down 42% vs the Core baseline". */
  label: label(64),
  program: z.enum(PROGRAMS, { error: oneOf(PROGRAMS) }),
  /** Touch model when an account is placed here by its own `segment` field rather than by tier. */
  touch,
  /** Share of the portfolio this segment is expected to hold (seed 003); reported, never enforced. */
  expectedShare: z
    .strictObject({ min: share, max: share })
    .refine((range) => range.min <= range.max, { path: ['max'], message: 'must not be below min' })
    .optional(),
  health: segmentHealthSchema,
  journeyBaseline: segmentJourneySchema.optional(),
});

const healthyCohortSchema = z.strictObject({
  /** Accounts live for fewer days are still onboarding and say little about "healthy". */
  minTenureDays: wholeNumber(0, 3650),
  excludeOutcomes: z.array(z.enum(RENEWAL_OUTCOMES, { error: oneOf(RENEWAL_OUTCOMES) })),
  maxOpenUrgentTickets: wholeNumber(0, 1000),
  /** Accounts whose latest snapshot had one of these bands are left out; accounts never scored are kept. */
  excludeLatestBands: z.array(z.enum(BANDS, { error: oneOf(BANDS) })),
});

const healthSchema = z.strictObject({
  /** Days of rollups scoring reads; every window must fit inside it. */
  lookbackDays: days('rollups read per account'),
  windows: z.strictObject({
    engagement: days('logins, active users and usage'),
    adoption: days('distinct features used'),
    support: days('ticket rate'),
    sentiment: days('NPS and CSAT responses'),
    relationship: days('meetings and relationship scorecard'),
    outcomes: days('latest value realised'),
  }),
  decay: z.strictObject({
    /** A response this many days old counts half as much as one from today. */
    sentimentHalfLifeDays: days('NPS and CSAT half-life'),
    relationshipHalfLifeDays: days('relationship scorecard half-life'),
  }),
  support: z.strictObject({ staleTicketDays: days('a ticket open longer than this is dragging on') }),
  relationship: z.strictObject({
    /** A sponsor who joined this recently has no track record yet (seed 000: the new director). */
    newSponsorDays: days('how long a new sponsor counts as new'),
    newSponsorScore: score100,
    /** The sponsor measure applies only where at least this share of healthy accounts has a sponsor. */
    sponsorExpectedShare: share,
  }),
  maxDrivers: wholeNumber(1, 10),
  /** Findings that cap the band (config/critical-findings-schema.ts); none when absent. */
  criticalFindings: criticalFindingsSchema.optional(),
  /** Measures that fit real data (config/measures-schema.ts); absent: scoring as before they existed. */
  measures: measuresSchema.optional(),
  baseline: z.strictObject({
    minCohortSize: wholeNumber(1, 100_000),
    healthy: healthyCohortSchema,
    fallback: baselineMetricsSchema,
  }),
});

const milestoneDetection = z.discriminatedUnion(
  'kind',
  [
    /** The first day any signal of this type arrives (e.g. the first login). */
    z.strictObject({
      kind: z.literal('signal'),
      signal: z.enum(SIGNAL_TYPES, { error: oneOf(SIGNAL_TYPES) }),
    }),
    /** A `milestone` signal with this `attributes.milestone` name. */
    z.strictObject({ kind: z.literal('milestone'), name: label(128) }),
    /** The first day `value_realized` reports at least this percent of target value. */
    z.strictObject({
      kind: z.literal('value'),
      atLeastPercent: z
        .number({ error: 'must be from 0 to 1000' })
        .min(0, 'must be from 0 to 1000')
        .max(1000, 'must be from 0 to 1000'),
    }),
  ],
  { error: 'must have kind "signal", "milestone" or "value"' },
);

const journeyBaselineSchema = z.strictObject({
  /** A milestone reached this share of its due day early counts as ahead (Champions run ahead). */
  championLead: share,
  /** Days after the due day before a milestone counts as late or missed. */
  graceDays: wholeNumber(0, 365),
  milestones: z
    .array(
      z.strictObject({
        id: milestoneId,
        label: label(128),
        dueDay: days('due after go-live'),
        detect: milestoneDetection,
      }),
    )
    .min(1, 'must list at least one milestone'),
});

export const configSchema = z.strictObject({
  schemaVersion: z.literal(1, { error: 'must be 1' }),
  segmentation: segmentationSchema,
  segments: z
    .record(segmentId, segmentSchema, {
      error: badKey(
        'is not a valid segment id: lower case letters, digits and dashes, starting with a letter',
      ),
    })
    .refine((segments) => Object.keys(segments).length > 0, 'must define at least one segment'),
  health: healthSchema,
  journeyBaseline: journeyBaselineSchema,
  /** Milestone plays per segment (issue 5): which plays run when a milestone is achieved, late or missed. */
  journeys: journeysSchema,
  /** Digital plays: channel, priority, holdout share, silent mode, template (issue 5). */
  plays: playsSchema,
  /** What a tip teaches: features worth a tip and their templates (journeys.<segment>.tips sets the cadence). */
  tips: tipsSchema,
  /** Contact-pressure budget, quiet hours and days, renewal negotiation window (issue 5). */
  restraint: restraintSchema,
  /** Sender, unsubscribe base URL and SES configuration set (issue 5). */
  messaging: messagingSchema,
  /** Product name, app URL, sender name and logo used by every email; nothing by default (issue 18). */
  brand: brandSchema,
  /** How long raw signals are kept after they arrive (DynamoDB TTL); daily rollups are kept. */
  retention: z
    .strictObject({
      rawSignalDays: days('raw signals are kept this long after they arrive').min(
        7,
        'must be at least 7 days, so that webhook retries and re-run imports are still recognised as replays',
      ),
    })
    .default({ rawSignalDays: DEFAULT_RAW_SIGNAL_DAYS }),
  /** The renewal countdown: checkpoint days and hour, catching up a passed checkpoint. */
  timers: timersSchema.default(defaultTimers),
  /** The Red Account Process: detection, tiers and deadlines, close rules, strategies, notices. */
  escalation: escalationSchema.default(defaultEscalation),
  /** The review programme per segment: cadence, audience, lead time, journey EBRs (issue 15). */
  reviews: reviewsSchema.default(defaultReviews),
  /** Message templates, rendered with MJML (issue 5). */
  templates: templatesSchema,
  /** Slack and Teams destinations and what is posted where (issue 17; docs/channels.md). None by default. */
  channels: channelsSchema.default(NO_CHANNELS),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type SegmentConfig = z.infer<typeof segmentSchema>;
export type HealthConfig = z.infer<typeof healthSchema>;
export type BandThresholds = z.infer<typeof bandsSchema>;
export type BaselineValues = z.infer<typeof baselineMetricsSchema>;
export type BaselineMetric = keyof BaselineValues;
export type JourneyBaselineConfig = z.infer<typeof journeyBaselineSchema>;
export type MilestoneDetection = z.infer<typeof milestoneDetection>;
