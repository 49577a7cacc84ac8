import * as z from 'zod';
import { CONTACT_ROLES } from '#core/accounts';

/**
 * Journeys, plays, restraint and templates (issue 5). Rules inside one object are refinements here; references
 * across sections (a journey naming a play, a play naming a template, a milestone id from journeyBaseline) are
 * checked in config/cross-checks.ts so that one pass reports every problem.
 */

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;
const share = z
  .number({ error: 'must be from 0 to 1' })
  .min(0, 'must be from 0 to 1')
  .max(1, 'must be from 0 to 1');
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
const text = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const id = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be lower case letters, digits and underscores, starting with a letter',
  );
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM (24 hours)');

export const CHANNELS = ['email', 'in_app', 'csm_notice'] as const;
export type Channel = (typeof CHANNELS)[number];
/**
 * `outreach` plays are a risk's own messages to the customer (a success-plan reset, asking who the new owner is)
 * and `invitation` plays invite to a review: the customer messages an open escalation does not hold back.
 */
export const PLAY_KINDS = [
  'congratulate',
  'nudge',
  'escalate',
  'tip',
  'renewal_notice',
  'outreach',
  'invitation',
] as const;
export type PlayKind = (typeof PLAY_KINDS)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const playSchema = z.strictObject({
  /** What the play does; a `congratulate` play is only selected for an account that is not struggling. */
  kind: z.enum(PLAY_KINDS, { error: oneOf(PLAY_KINDS) }),
  channel: z.enum(CHANNELS, { error: oneOf(CHANNELS) }),
  /** Higher wins the contact-pressure budget: a renewal notice (90) beats a tip (10). */
  priority: wholeNumber(0, 100),
  /** Share of accounts held out of this play (chosen by a hash of the account id), to measure its effect. */
  holdout: share,
  /** Everything runs and is recorded as "would have sent"; nothing is sent (seed 004). */
  silent: z.boolean(),
  /** What happens when the budget is full: `drop` the message, or `defer` it until the budget frees. */
  overBudget: z.enum(['drop', 'defer'], { error: 'must be drop or defer' }),
  /** Contact roles the play writes to; csm_notice goes to the CSM instead. */
  audience: z.array(z.enum(CONTACT_ROLES, { error: oneOf(CONTACT_ROLES) })).min(1, 'must name a role'),
  template: id,
});

export const playsSchema = z.record(id, playSchema, {
  error: (issue) => (issue.code === 'invalid_key' ? 'is not a valid play id' : undefined),
});

const milestonePlays = z.strictObject({
  milestone: id,
  onAchieved: z.array(id).default([]),
  onLate: z.array(id).default([]),
  /** After the grace days have passed without the milestone. */
  onMissed: z.array(id).default([]),
});

/**
 * A segment's tip cadence: one tip every `everyDays` days, the first on `startDay` after go-live, the last on or
 * before `endDay` (null: for as long as the account is a customer). Each tip goes through the play's restraint.
 */
const tipCadence = z
  .strictObject({
    /** The play that carries the tips: a play of kind `tip` (its channel, priority, holdout, budget, audience). */
    play: id,
    everyDays: wholeNumber(1, 365),
    startDay: wholeNumber(0, 3650),
    endDay: wholeNumber(1, 3650).nullable(),
  })
  .refine((cadence) => cadence.endDay === null || cadence.endDay >= cadence.startDay, {
    path: ['endDay'],
    message: 'must be null (the whole contract) or a day on or after startDay',
  });

/** Per segment: which milestones drive plays, and the tip cadence. Milestones and due days come from journeyBaseline. */
export const journeysSchema = z.record(
  z.string(),
  z.strictObject({
    /** Days after a milestone's due day before it counts as missed and the `onMissed` plays run. */
    graceDays: wholeNumber(1, 365),
    milestones: z.array(milestonePlays).min(1, 'must list at least one milestone'),
    /** Low-touch tips; absent or null: the segment gets none. */
    tips: tipCadence.nullish(),
  }),
);

/**
 * What a tip teaches: the product features worth a tip, each with its template, in order of preference. A tip
 * picks among the features the account has not used within the health lookback (rollups' `feature_used`),
 * rotating from one tip to the next; when it uses them all, the tip play's own template (a general tip) goes.
 */
export const tipsSchema = z
  .strictObject({
    features: z.array(
      z.strictObject({
        /** The `feature` attribute of `feature_used` signals, exactly as the product sends it. */
        feature: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
        template: id,
      }),
    ),
  })
  .default({ features: [] });

export const restraintSchema = z.strictObject({
  /** Messages per contact per rolling 7 days, across all plays and channels except CSM notices. */
  weeklyPerContact: wholeNumber(1, 100),
  /** Messages per account per rolling 7 days. */
  weeklyPerAccount: wholeNumber(1, 1000),
  /** No message between `start` and `end` in the contact's own time zone (may wrap midnight). */
  quietHours: z.strictObject({ start: clockTime, end: clockTime }),
  /** Days on which nothing is sent, in the contact's time zone. */
  quietDays: z.array(z.enum(WEEKDAYS, { error: oneOf(WEEKDAYS) })),
  /** Within this many days of the renewal date a renewal negotiation is live: only renewal notices go out. */
  renewalNegotiationDays: wholeNumber(0, 365),
});

const templateSchema = z.strictObject({
  subject: text(200),
  /** Shown in the inbox preview line. */
  preheader: text(200),
  heading: text(200),
  /**
   * Paragraphs; `{{name}}` placeholders are replaced by the variables of core/journeys/variables.ts. A variable
   * that is not defined where the template is sent is refused when the config is validated.
   */
  paragraphs: z.array(text(2000)).min(1, 'must have at least one paragraph'),
  /** A button; without `url` it opens `brand.appUrl`, and is left out while no app URL is set. */
  action: z.strictObject({ label: text(80), url: z.string().min(1).optional() }).optional(),
});

export const templatesSchema = z.record(id, templateSchema, {
  error: (issue) => (issue.code === 'invalid_key' ? 'is not a valid template id' : undefined),
});

/**
 * Who the customer hears from. Every email uses it: the logo heads it, the product name signs the footer, the
 * sender name is the From display name, and the app URL is the target of each template's button. Nothing is set by
 * default: churnguard's own name or an example URL never reaches a customer unless you choose it; a template that
 * names `{{productName}}` or `{{appUrl}}` is refused until the brand sets it.
 */
export const brandSchema = z
  .strictObject({
    /** Your product as your customers know it: "Acme Analytics". */
    productName: text(80).optional(),
    /** Where your customers sign in; a template's button opens it. */
    appUrl: z.url({ error: 'must be a URL, e.g. https://app.acme.example' }).optional(),
    /** The From display name: "Acme Customer Success". */
    senderName: text(80)
      .refine((name) => !/[\r\n<>"]/.test(name), 'must not contain line breaks, quotes or angle brackets')
      .optional(),
    /** An https URL of your logo (shown 120 px wide at the top of every email). */
    logoUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL (mail clients block other images)' })
      .optional(),
  })
  .default({});

export const messagingSchema = z.strictObject({
  /** The From address of every email (an SES verified identity). */
  from: z.email({ error: 'must be an email address' }),
  /** Public base URL of the API, for unsubscribe links: `<base>/v1/unsubscribe/<token>`. */
  publicBaseUrl: z.url({ error: 'must be a URL' }),
  /** SES configuration set whose bounce and complaint events feed the suppression list. */
  configurationSet: z.string().min(1).optional(),
});

export type PlayConfig = z.infer<typeof playSchema>;
export type PlaysConfig = z.infer<typeof playsSchema>;
export type JourneysConfig = z.infer<typeof journeysSchema>;
export type TipCadence = z.infer<typeof tipCadence>;
export type TipsConfig = z.infer<typeof tipsSchema>;
export type MilestonePlays = z.infer<typeof milestonePlays>;
export type RestraintConfig = z.infer<typeof restraintSchema>;
export type TemplateConfig = z.infer<typeof templateSchema>;
export type TemplatesConfig = z.infer<typeof templatesSchema>;
export type MessagingConfig = z.infer<typeof messagingSchema>;
export type BrandConfig = z.infer<typeof brandSchema>;
