import { accountPageUrl, portfolioPageUrl } from './links.ts';
import type { ChatPost } from './post.ts';

/** Slack cuts a section at 3,000 characters: a long day lists its first notices and says how many more. */
export const DAILY_POST_LINES = 25;

/**
 * A person's daily notice gathering as a post (the Slack or Teams twin of their daily notice mail): one line per
 * routine notice, what happened, linked to its account's page. New risks and tier changes are not in it: they
 * were posted at once.
 */
export function dailyNoticesPost(
  mail: { subject: string },
  recipientName: string,
  notices: readonly { accountId: string; subject: string; text: string }[],
  publicBaseUrl: string,
): ChatPost {
  const shown = notices.slice(0, DAILY_POST_LINES);
  const more = notices.length - shown.length;
  return {
    title: mail.subject,
    summary: `${recipientName}: ${notices.length} routine notice${notices.length === 1 ? '' : 's'} to look at today.`,
    sections: [
      {
        heading: 'Notices',
        lines: [
          ...shown.map((n) => {
            const what = n.text.split('\n')[0] ?? '';
            return {
              text: what ? `${n.subject}: ${what}` : n.subject,
              url: accountPageUrl(publicBaseUrl, n.accountId),
            };
          }),
          ...(more > 0 ? [{ text: `and ${more} more, in the daily notice mail` }] : []),
        ],
      },
    ],
    link: { label: 'Open the portfolio', url: portfolioPageUrl(publicBaseUrl) },
  };
}
