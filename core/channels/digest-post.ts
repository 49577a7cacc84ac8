import { type DigestLine, moneyByCurrency, type RegionalDigest } from '#core/workflows/digest';
import { accountPageUrl, portfolioPageUrl } from './links.ts';
import type { ChatPost } from './post.ts';

/**
 * The weekly regional risk review as a post: the same digest as the mail (core/workflows/digest.ts), each account
 * a link to its page, in the mail's order (highest tier, then ARR), and what changed since last week.
 */
export function digestPost(
  digest: RegionalDigest,
  lines: readonly DigestLine[],
  publicBaseUrl: string,
): ChatPost {
  const byId = new Map(lines.map((l) => [l.riskId, l]));
  const ordered = digest.snapshot.lines.flatMap((s) => {
    const line = byId.get(s.riskId);
    return line ? [line] : [];
  });
  const account = (id: string) => {
    const line = byId.get(id);
    return line
      ? { text: line.accountName, url: accountPageUrl(publicBaseUrl, line.accountId) }
      : { text: id };
  };
  const changes = [
    ...digest.changes.opened.map((id) => ({ ...account(id), text: `new: ${account(id).text}` })),
    ...digest.changes.raised.map((id) => ({
      ...account(id),
      text: `raised to tier ${byId.get(id)?.tier}: ${account(id).text}`,
    })),
    ...digest.changes.closed.map((id) => ({ text: `closed since last week: ${id}` })),
  ];
  return {
    title: digest.subject,
    summary: ordered.length
      ? `The accounts at risk in ${digest.region} this week, highest tier first.`
      : `No open risks in ${digest.region} this week.`,
    sections: [
      {
        heading: 'Accounts at risk',
        lines: ordered.map((l) => ({
          text: `${l.accountName}: tier ${l.tier}, ${l.primaryCause}, ${l.daysOpen} days open, ${moneyByCurrency([l])} ARR, ${l.strategy}`,
          url: accountPageUrl(publicBaseUrl, l.accountId),
        })),
      },
      { heading: 'Since last week', lines: changes.length ? changes : [{ text: 'no change' }] },
    ],
    link: { label: 'Open the portfolio', url: portfolioPageUrl(publicBaseUrl) },
  };
}
