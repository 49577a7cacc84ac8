import * as z from 'zod';
import { CONTACT_ROLES } from '#core/accounts';
import { REVIEW_KINDS } from '#core/workflows/review-record';

/**
 * The review programme (issue 15): per segment, the reviews held on a cadence independent of the renewal, who is
 * invited, how far ahead, and the journey EBRs of high-touch segments. Reviews are timers (DESIGN decision 3);
 * invitations go through the one executor and restraint like every other message.
 */

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;
const whole = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};
const entryId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,31}$/,
    'must be lower case letters, digits and underscores, starting with a letter',
  );

export const REVIEW_FORMATS = ['meeting', 'digital'] as const;
export const REVIEW_ANCHORS = ['contract_start', 'go_live'] as const;

export const cadenceEntrySchema = z
  .strictObject({
    /** Names the review in its id and timer (`acr`, `mid_year`); unique within the segment. */
    id: entryId,
    kind: z.enum(REVIEW_KINDS, { error: oneOf(REVIEW_KINDS) }),
    /** One review every this many months, counted from the segment's anchor date. */
    everyMonths: whole(1, 36),
    /** Months after the anchor of the first one (then every `everyMonths`); below `everyMonths`. */
    offsetMonths: whole(0, 35),
    /** `meeting`: a one-hour slot with an .ics invitation; `digital`: a self-review to complete by that day, no .ics. */
    format: z.enum(REVIEW_FORMATS, { error: oneOf(REVIEW_FORMATS) }),
    /** The play (kind `invitation`) whose template, priority and restraint its invitations follow. */
    play: z.string().min(1, 'must not be empty'),
  })
  .refine((entry) => entry.offsetMonths < entry.everyMonths, {
    path: ['offsetMonths'],
    message: 'must be below everyMonths',
  });
export type CadenceEntry = z.infer<typeof cadenceEntrySchema>;

export const segmentProgrammeSchema = z.strictObject({
  /** What the cadence counts from: the contract's start date (never moved by a renewal) or the go-live date. */
  anchor: z.enum(REVIEW_ANCHORS, { error: oneOf(REVIEW_ANCHORS) }),
  cadence: z.array(cadenceEntrySchema).superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${entry.id}" is used twice` });
      }
      seen.add(entry.id);
    });
  }),
  /** The contact roles invited (the CSM always is); replaces the invitation play's own audience. */
  audience: z
    .array(z.enum(CONTACT_ROLES, { error: oneOf(CONTACT_ROLES) }))
    .min(1, 'must name at least one contact role'),
  /** Days before the review that its invitations go out. */
  leadDays: whole(1, 90),
  /**
   * Journey milestones (journeyBaseline.milestones ids, e.g. value_75 and value_100: Day 90 and Day 270) at whose
   * baseline due day after go-live an executive business review is held (the baseline's day, not a segment's own
   * `journeyBaseline.dueDays`); empty for segments without journey EBRs.
   */
  journeyEbrs: z.array(z.string()),
});
export type SegmentProgramme = z.infer<typeof segmentProgrammeSchema>;

export const reviewsSchema = z.strictObject({
  /** Local hour (in the first invited contact's time zone) a review meeting starts; moved off quiet days. */
  startHourLocal: whole(0, 23),
  durationMinutes: whole(15, 480),
  /** UTC hour of the day the invitations are decided; restraint then defers them out of each contact's quiet hours. */
  inviteHourUtc: whole(0, 23),
  /**
   * A programme review is not booked when another review of the account (a renewal review, say) that was not missed
   * starts within this many days of it: that one covers it (0: never).
   */
  coveredWithinDays: whole(0, 90),
  /** Programme per segment id; a segment without one holds no programme reviews. */
  segments: z.record(z.string(), segmentProgrammeSchema),
});
export type ReviewsConfig = z.infer<typeof reviewsSchema>;
