import type { Config } from '#config/schema';
import type { AccountInput, ContactRole } from '#core/accounts';
import { DAY_MS } from '#core/clock';
import type { Effect, MessageDraft } from '#core/effects/effect';
import type { Touch } from '#core/health/vocabulary';
import type { Recipient } from '#core/journeys/messages';
import { recipientsOf } from '#core/journeys/recipients';
import { templateVariables } from '#core/journeys/variables';
import { localDay, localWhen } from '#core/reviews/calendar';
import { csmOf } from './account-view.ts';
import type { ReviewKind, ReviewRecord } from './review-record.ts';

const TITLES: Record<ReviewKind, string> = {
  ebr: 'Executive business review',
  annual_customer_review: 'Annual Customer Review',
  health_check: 'Health-check review',
  self_review: 'Yearly self-review',
};

/** The play whose restraint, audience and template review invitations follow (config.plays). */
export const REVIEW_INVITATION_PLAY = 'review_invitation';

function icsDate(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

function escapeIcs(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

export interface ProposedReview {
  review: ReviewRecord;
  title: string;
  /** When, in UTC (timeline and the CSM); each contact reads it in their own time zone. */
  when: string;
  /** The .ics request; none for a digital self-review. */
  ics: string | null;
  /** The play whose template and restraint the invitations follow. */
  play: string;
  /** The contact roles invited; default: the play's own audience. */
  audience?: readonly ContactRole[];
  /** The .ics `SEQUENCE`: 0 for the first invitation, n for the update after the n-th reschedule. */
  sequence: number;
}

export interface ReviewSlot {
  /** When the meeting starts (a digital review: the day to complete it by). */
  start: Date;
  durationMinutes: number;
  format: 'meeting' | 'digital';
  play: string;
  audience?: readonly ContactRole[];
  /** The programme entry it belongs to (config.reviews). */
  programme?: string;
  /** How many times it was moved: the .ics `SEQUENCE`, so a calendar replaces the earlier time (0: first invitation). */
  sequence?: number;
}

/** The contacts a review invites: its audience, else the invitation play's. */
export function reviewAttendees(
  config: Config,
  account: Pick<AccountInput, 'contacts' | 'csm'>,
  playId: string,
  audience?: readonly ContactRole[],
): Recipient[] {
  const play = config.plays[playId];
  if (!play) return [];
  return recipientsOf(account, audience ? { ...play, audience: [...audience] } : play);
}

/** The renewal review's slot: one hour two weeks out at 15:00 UTC. */
export function renewalReviewSlot(at: Date): ReviewSlot {
  return {
    start: new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + 14 * DAY_MS + 15 * 3_600_000),
    durationMinutes: 60,
    format: 'meeting',
    play: REVIEW_INVITATION_PLAY,
  };
}

/** How the review's time reads for someone in `timeZone`. */
export function reviewWhenIn(review: Pick<ReviewRecord, 'startsAt' | 'format'>, timeZone: string): string {
  const start = new Date(review.startsAt);
  return review.format === 'digital' ? localDay(start, timeZone) : localWhen(start, timeZone);
}

/**
 * A review proposed for a slot, with an iCalendar request whose UID is the review id, so a resend updates rather
 * than doubles (none for a digital self-review). Attendees: the CSM and the contacts of its audience.
 */
export function proposeReview(
  config: Config,
  account: Pick<AccountInput, 'id' | 'name' | 'csm' | 'contacts'>,
  kind: ReviewKind,
  reviewId: string,
  at: Date,
  reason: string,
  slot: ReviewSlot = renewalReviewSlot(at),
): ProposedReview {
  const { start } = slot;
  const sequence = slot.sequence ?? 0;
  const end = new Date(start.getTime() + slot.durationMinutes * 60_000);
  const attendees = reviewAttendees(config, account, slot.play, slot.audience);
  const title = `${sequence > 0 ? 'Moved: ' : ''}${TITLES[kind]}: ${account.name}`;
  const description = `${TITLES[kind]} with ${account.name}. Why now: ${reason}.`;
  const ics =
    slot.format === 'digital'
      ? null
      : [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//churnguard//reviews//EN',
          'METHOD:REQUEST',
          'BEGIN:VEVENT',
          `UID:${reviewId}@churnguard`,
          `SEQUENCE:${sequence}`,
          `DTSTAMP:${icsDate(at)}`,
          `DTSTART:${icsDate(start)}`,
          `DTEND:${icsDate(end)}`,
          `SUMMARY:${escapeIcs(title)}`,
          `DESCRIPTION:${escapeIcs(description)}`,
          `ORGANIZER;CN=${escapeIcs(account.csm.name)}:mailto:${account.csm.email}`,
          ...attendees.map(
            (c) => `ATTENDEE;CN=${escapeIcs(c.name)};ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:${c.email}`,
          ),
          'END:VEVENT',
          'END:VCALENDAR',
          '',
        ].join('\r\n');
  const review: ReviewRecord = {
    reviewId,
    accountId: account.id,
    reviewKind: kind,
    status: 'scheduled',
    scheduledAt: at.toISOString(),
    startsAt: start.toISOString(),
    invitedTo: [account.csm.email, ...attendees.map((c) => c.email)],
    ...(slot.programme ? { programme: slot.programme } : {}),
    ...(slot.format === 'digital' ? { format: 'digital' as const } : {}),
  };
  return {
    review,
    title,
    when: reviewWhenIn(review, 'UTC'),
    ics,
    play: slot.play,
    ...(slot.audience ? { audience: slot.audience } : {}),
    sequence,
  };
}

/** The send ledger's occurrence of a review's invitations: `invite` first, `update.<n>` after the n-th reschedule. */
const invitationOccurrence = (sequence: number) => (sequence === 0 ? 'invite' : `update.${sequence}`);

/**
 * The invitation messages of a proposed review: one to each contact the invitation play names (through restraint:
 * an unsubscribed contact or one who left gets none) and one to the CSM, each with the .ics attached.
 */
export function invitationMessages(
  config: Config,
  view: {
    account: AccountInput;
    health: { score: number | null; band: string; segment: { touch: Touch } };
  },
  proposed: ProposedReview,
  reason: string,
  retry: MessageDraft['retry'],
): Effect[] {
  const { account } = view;
  const { review } = proposed;
  const playId = proposed.play;
  const play = config.plays[playId];
  const attachments = proposed.ics
    ? [{ filename: 'review.ics', contentType: 'text/calendar; method=REQUEST', content: proposed.ics }]
    : [];
  const withIcs = proposed.ics ? 'invitation with .ics' : 'invitation';
  const timeline = (who: string) => ({
    action: 'message_sent',
    what: `${proposed.title}: ${withIcs} to ${who}`,
    why: reason,
    details: { reviewId: review.reviewId, play: playId },
  });
  const invited = reviewAttendees(config, account, playId, proposed.audience);
  const contacts: Effect[] = invited.map((recipient) => ({
    kind: 'message',
    message: {
      key: {
        playId,
        about: review.reviewId,
        recipientId: recipient.id,
        occurrence: invitationOccurrence(proposed.sequence),
      },
      audience: 'contact',
      recipient: { ...recipient, role: 'contact' },
      playId,
      channel: 'email',
      content: {
        kind: 'template',
        template: play?.template ?? playId,
        variables: templateVariables({
          account,
          recipient,
          health: view.health,
          review: { title: proposed.title, when: reviewWhenIn(review, recipient.timezone) },
        }),
        ...(attachments.length ? { attachments } : {}),
      },
      timeline: timeline(recipient.name),
      retry,
    },
  }));
  const csm = csmOf(view, config);
  const text = `${proposed.title} is proposed for ${proposed.when}. Why now: ${reason}. The invitation went to ${
    contacts.length ? 'the contacts of its audience' : 'no contact (none in its audience)'
  }${proposed.ics ? '; the .ics is attached for your calendar' : ''}.`;
  return [
    ...contacts,
    {
      kind: 'message',
      message: {
        key: {
          playId,
          about: review.reviewId,
          recipientId: csm.id,
          occurrence: invitationOccurrence(proposed.sequence),
        },
        audience: 'internal',
        recipient: csm,
        channel: 'email',
        urgency: 'immediate',
        content: {
          kind: 'composed',
          subject: proposed.title,
          text,
          html: `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`,
          ...(attachments.length ? { attachments } : {}),
        },
        timeline: timeline(`${csm.name} (${csm.role})`),
      },
    },
  ];
}
