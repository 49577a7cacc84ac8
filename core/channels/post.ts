import * as z from 'zod';

/**
 * A post to a Slack or Teams channel, before it takes either vendor's shape (slack.ts, teams.ts): what happened
 * (the title and summary), why and what to do (the sections), and the account page (the link). Built by the core,
 * carried through the executor as data.
 */
export const chatLineSchema = z.object({
  text: z.string(),
  /** A page this line is about (an account in the digest). */
  url: z.string().optional(),
});
export type ChatLine = z.infer<typeof chatLineSchema>;

export const chatPostSchema = z.object({
  title: z.string(),
  /** One sentence: what happened. */
  summary: z.string(),
  sections: z.array(z.object({ heading: z.string(), lines: z.array(chatLineSchema) })),
  /** The button: the account page (or the portfolio, for the digest). */
  link: z.object({ label: z.string(), url: z.string() }).optional(),
});
export type ChatPost = z.infer<typeof chatPostSchema>;

/** The post as plain text (the ledger's record of it, the capture's listing, the simulation's result). */
export function chatPostText(post: ChatPost): string {
  const sections = post.sections
    .filter((s) => s.lines.length > 0)
    .flatMap((s) => ['', `${s.heading}:`, ...s.lines.map((l) => `- ${l.text}${l.url ? ` (${l.url})` : ''}`)]);
  return [post.summary, ...sections, ...(post.link ? ['', `${post.link.label}: ${post.link.url}`] : [])].join(
    '\n',
  );
}
