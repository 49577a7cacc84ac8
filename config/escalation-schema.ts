import * as z from 'zod';
import { BANDS, TOUCHES } from '#core/health/vocabulary';
import { ROOT_CAUSE_IDS, STRATEGIES } from '#core/workflows/root-causes';

/**
 * The renewal countdown and the Red Account Process (seed 002) as policy: every number the workflows act on.
 * References to segments and plays are checked in config/cross-checks.ts, so one pass reports every problem.
 */

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
const days = (min: number, max: number) => wholeNumber(min, max);
const playId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be lower case letters, digits and underscores, starting with a letter',
  );
const text = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const person = z.strictObject({
  name: text(200),
  email: z.email({ error: 'must be an email address' }),
});

export const timersSchema = z.strictObject({
  /** Days before the renewal date at which the countdown checks the account (T-180 ... T-0). */
  renewalCheckpointDays: z
    .array(days(0, 730))
    .min(1, 'must list at least one checkpoint')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a day'),
  /** Hour of the checkpoint day (UTC) at which a checkpoint runs: a working-hours start. */
  checkpointHourUtc: wholeNumber(0, 23),
  /**
   * When an account arrives (or its renewal date moves) after some checkpoints already passed, the latest passed
   * one runs at once instead of being skipped: an account imported 28 days before renewal is checked today, not
   * at T-7. Off: passed checkpoints are skipped.
   */
  catchUpPassedCheckpoint: z.boolean(),
  /**
   * High-touch accounts get their renewal review (an Annual Customer Review for Core, an EBR otherwise) at the
   * checkpoint `atDay`, or at any checkpoint inside the window (T-`fromDay` to T-`toDay`) that finds the renewal at
   * some risk or the last review overdue. One review per renewal.
   */
  renewalReview: z
    .strictObject({ atDay: days(0, 730), fromDay: days(0, 730), toDay: days(0, 730) })
    .refine((r) => r.fromDay >= r.atDay && r.atDay >= r.toDay, {
      path: ['atDay'],
      message: 'must lie inside the window: fromDay >= atDay >= toDay',
    }),
  /** Low- and tech-touch accounts get this play (the renewal-value message) at these checkpoints, unless at risk. */
  renewalValueMessage: z.strictObject({
    play: playId,
    atDays: z.array(days(0, 730)),
  }),
});

const detectionSchema = z.strictObject({
  /**
   * The health triggers (red streak, steep fall) wait until the account has been live, and churnguard has had its
   * data, for this many days: a score built on a few days of a 30-day window says little (a new account, or an
   * established one just imported), and the journey's milestones look after new accounts meanwhile.
   */
  minDaysOfData: days(0, 365),
  /**
   * Red on this many consecutive days opens a risk. A few days, so that a champion's holiday week that dips a score
   * is not escalated, while an account that stays red is.
   */
  redForDays: days(1, 90),
  /** Per segment, replacing redForDays (e.g. strategic accounts warrant an earlier look). */
  redForDaysBySegment: z.record(z.string(), days(1, 90)).default({}),
  /** A fall of at least `points` within `days` against the account's own score then ("decreased usage"). */
  steepFall: z.strictObject({ points: wholeNumber(1, 100), days: days(7, 90) }).nullable(),
  /** The sponsor left and nobody joined as sponsor since. */
  sponsorLeft: z.boolean(),
  /** The customer asked to cut the contract value. */
  contractCut: z.boolean(),
  /** This many payment failures within `withinDays`. */
  paymentFailures: z.strictObject({ count: wholeNumber(1, 20), withinDays: days(1, 365) }).nullable(),
  /** The customer's relationship scorecard at or below this (0-10). */
  weakRelationshipAtOrBelow: wholeNumber(0, 10).nullable(),
  /** An NPS answer at or below this from a contact whose role is sponsor (a detractor). */
  sponsorDetractorAtOrBelow: wholeNumber(0, 10).nullable(),
  /** An urgent ticket open longer than this many days. */
  urgentTicketOpenDays: days(1, 365).nullable(),
  /** A step of an open health issue's plan (seed 000) more than this many days past its due date; null: never. */
  issueOverdueDays: days(1, 365).nullable().default(null),
});

const strategyDefaults = {
  /** What the CSM (or the pooled queue) is asked to do, in order: the strategy's playbook. */
  steps: z.array(text(300)).min(1, 'must list at least one step'),
  /** Plays (config.plays) sent to the account's contacts when a risk with this strategy opens. */
  plays: z.array(playId).default([]),
};

export const strategiesSchema = z.strictObject({
  /** The fix is ours: the manager is brought in at once and the CSM gets an update every few days until closed. */
  rescue: z.strictObject({
    ...strategyDefaults,
    managerAtOnce: z.boolean(),
    updateEveryDays: days(1, 90).nullable(),
  }),
  /** The fix is shared: a success-plan reset goes to the sponsor and the CSM gets the task. */
  recover: z.strictObject({ ...strategyDefaults, csmTask: z.boolean() }),
  /** The fix is the customer's: no CSM time beyond digital plays; the renewal follows its countdown. */
  farewell: z.strictObject({ ...strategyDefaults, csmTask: z.boolean() }),
});

export const escalationSchema = z.strictObject({
  detection: detectionSchema,
  /** Days to acknowledge at tier 1 and tier 2 before the next tier is raised. */
  ackDays: z.strictObject({ tier1: days(1, 60), tier2: days(1, 60) }),
  /** Points health must gain after an acknowledgement for the tier to hold at its deadline. */
  improvementPoints: wholeNumber(0, 100),
  /** The highest tier a risk reaches by coverage model (seed 002: a tech-touch account stays at tier 1). */
  maxTier: z.record(z.enum(TOUCHES, { error: oneOf(TOUCHES) }), wholeNumber(1, 3)),
  /**
   * A risk closes by itself when none of its triggers holds any more and health has been at least `minBand` for
   * `forDays` days in a row. A CSM can also resolve it (POST /v1/risks/{id}/resolve), and a renewal outcome closes it.
   */
  close: z.strictObject({
    minBand: z.enum(BANDS, { error: oneOf(BANDS) }),
    forDays: days(1, 180),
  }),
  strategies: strategiesSchema,
  /** Which strategy a root cause calls for, by whose effort the fix needs (seed 002). */
  strategyByCause: z.record(
    z.enum(ROOT_CAUSE_IDS, { error: oneOf(ROOT_CAUSE_IDS) }),
    z.enum(STRATEGIES, { error: oneOf(STRATEGIES) }),
  ),
  /**
   * Tech-touch accounts have no CSM of their own: risks go to a pooled queue (or the account's `csm` when none is
   * set), and each root cause gets digital plays instead of a CSM task (e.g. when the sponsor leaves, the remaining
   * admins are asked who the new owner is).
   */
  techTouch: z.strictObject({
    queue: person.nullable(),
    playsByCause: z.partialRecord(z.enum(ROOT_CAUSE_IDS, { error: oneOf(ROOT_CAUSE_IDS) }), z.array(playId)),
  }),
  /**
   * Notices to people inside the vendor. A new risk or a tier change goes at once; routine notices (missed
   * milestones, updates, tasks) are gathered into one mail per person per day, sent at `dailyHourUtc`.
   */
  notices: z.strictObject({ dailyHourUtc: wholeNumber(0, 23) }),
});

export type TimersConfig = z.infer<typeof timersSchema>;
export type EscalationConfig = z.infer<typeof escalationSchema>;
export type DetectionConfig = z.infer<typeof detectionSchema>;
export type StrategiesConfig = z.infer<typeof strategiesSchema>;
