import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { DAY_MS } from '#core/clock';
import type { Effect, MessageDraft } from '#core/effects/effect';
import type { Touch } from '#core/health/vocabulary';
import { recipientsOf } from '#core/journeys/recipients';
import { templateVariables } from '#core/journeys/variables';
import { csmOf } from './account-view.ts';
import type { ReviewKind, ReviewRecord } from './review-record.ts';

const TITLES: Record<ReviewKind, string> = {
  ebr: 'Executive business review',
  annual_customer_review: 'Annual Customer Review',
  health_check: 'Health-check review',
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
  when: string;
  ics: string;
}

/**
 * A review proposed a one-hour slot two weeks out at 15:00 UTC, with an iCalendar request whose UID is the review
 * id, so a resend updates rather than doubles. Attendees: the CSM and the contacts the invitation play names.
 */
export function proposeReview(
  config: Config,
  account: Pick<AccountInput, 'id' | 'name' | 'csm' | 'contacts'>,
  kind: ReviewKind,
  reviewId: string,
  at: Date,
  reason: string,
): ProposedReview {
  const start = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + 14 * DAY_MS + 15 * 3_600_000);
  const end = new Date(start.getTime() + 3_600_000);
  const play = config.plays[REVIEW_INVITATION_PLAY];
  const attendees = play ? recipientsOf(account, play) : [];
  const title = `${TITLES[kind]}: ${account.name}`;
  const description = `${TITLES[kind]} with ${account.name}. Why now: ${reason}.`;
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//churnguard//reviews//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${reviewId}@churnguard`,
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
  return {
    review: {
      reviewId,
      accountId: account.id,
      reviewKind: kind,
      status: 'scheduled',
      scheduledAt: at.toISOString(),
      startsAt: start.toISOString(),
      invitedTo: [account.csm.email, ...attendees.map((c) => c.email)],
    },
    title,
    when: `${start.toISOString().slice(0, 10)} at 15:00 UTC`,
    ics,
  };
}

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
  const play = config.plays[REVIEW_INVITATION_PLAY];
  const attachment = {
    filename: 'review.ics',
    contentType: 'text/calendar; method=REQUEST',
    content: proposed.ics,
  };
  const timeline = (who: string) => ({
    action: 'message_sent',
    what: `${proposed.title}: invitation with .ics to ${who}`,
    why: reason,
    details: { reviewId: review.reviewId, play: REVIEW_INVITATION_PLAY },
  });
  const contacts: Effect[] = (play ? recipientsOf(account, play) : []).map((recipient) => ({
    kind: 'message',
    message: {
      key: {
        playId: REVIEW_INVITATION_PLAY,
        about: review.reviewId,
        recipientId: recipient.id,
        occurrence: 'invite',
      },
      audience: 'contact',
      recipient: { ...recipient, role: 'contact' },
      playId: REVIEW_INVITATION_PLAY,
      channel: 'email',
      content: {
        kind: 'template',
        template: play?.template ?? REVIEW_INVITATION_PLAY,
        variables: templateVariables({
          account,
          recipient,
          health: view.health,
          review: { title: proposed.title, when: proposed.when },
        }),
        attachments: [attachment],
      },
      timeline: timeline(recipient.name),
      retry,
    },
  }));
  const csm = csmOf(view, config);
  const text = `${proposed.title} is proposed for ${proposed.when} (one hour). Why now: ${reason}. The invitation went to ${
    contacts.length ? 'the contacts the invitation play names' : 'no contact (none in its audience)'
  }; the .ics is attached for your calendar.`;
  return [
    ...contacts,
    {
      kind: 'message',
      message: {
        key: {
          playId: REVIEW_INVITATION_PLAY,
          about: review.reviewId,
          recipientId: csm.id,
          occurrence: 'invite',
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
          attachments: [attachment],
        },
        timeline: timeline(`${csm.name} (${csm.role})`),
      },
    },
  ];
}
