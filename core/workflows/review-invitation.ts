import type { Account } from '#core/accounts';

export type ReviewKind = 'ebr' | 'annual_customer_review' | 'health_check';

const TITLES: Record<ReviewKind, string> = {
  ebr: 'Executive business review',
  annual_customer_review: 'Annual Customer Review',
  health_check: 'Health-check review',
};

export interface ReviewInvitation {
  to: string[];
  subject: string;
  text: string;
  html: string;
  ics: string;
  startsAt: string;
}

function icsDate(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

function escapeIcs(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const DAY_MS = 86_400_000;

/**
 * The invitation to a review: to the CSM and the account's sponsor and champion, proposing a one-hour slot two
 * weeks out at 15:00 UTC, with an iCalendar request whose UID is the review id, so a resend updates, not doubles.
 */
export function reviewInvitation(
  account: Pick<Account, 'id' | 'name' | 'csm' | 'contacts'>,
  kind: ReviewKind,
  reviewId: string,
  at: Date,
  reason: string,
): ReviewInvitation {
  const start = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + 14 * DAY_MS + 15 * 3_600_000);
  const end = new Date(start.getTime() + 3_600_000);
  const attendees = account.contacts.filter((c) => c.role === 'sponsor' || c.role === 'champion');
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
  const when = `${start.toISOString().slice(0, 10)} at 15:00 UTC`;
  const greeting = attendees.length ? `Hello ${attendees.map((c) => c.name).join(' and ')},` : 'Hello,';
  const text = `${greeting}\n\n${account.csm.name} would like to hold the ${TITLES[kind]} with ${account.name} on ${when} (one hour). The calendar invitation is attached; reply to propose another time.\n\n${account.csm.name}`;
  const html = `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(account.csm.name)} would like to hold the <strong>${escapeHtml(TITLES[kind])}</strong> with ${escapeHtml(account.name)} on ${escapeHtml(when)} (one hour). The calendar invitation is attached; reply to propose another time.</p><p>${escapeHtml(account.csm.name)}</p>`;
  return {
    to: [account.csm.email, ...attendees.map((c) => c.email)],
    subject: title,
    text,
    html,
    ics,
    startsAt: start.toISOString(),
  };
}
