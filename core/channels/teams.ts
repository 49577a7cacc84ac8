import type { ChatPost } from './post.ts';

/**
 * A post as a Microsoft Teams incoming-webhook message: one Adaptive Card (schema 1.4, which Teams renders) as the
 * message's attachment, the shape both the Workflows app's "post to a channel when a webhook request is received"
 * and the older Office 365 connector take. The card: a title (what), the summary, a heading and bullet lines per
 * section (why, what to do, how to acknowledge) and an Action.OpenUrl to the account page.
 *
 * Microsoft's typed card builders (@microsoft/teams.cards) need Node 22, and the `adaptivecards` package renders
 * cards in a browser; the few element types used here are typed below, after the Adaptive Card schema.
 */
export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Medium' | 'Large';
  weight?: 'Bolder';
  spacing?: 'Medium';
}
export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.4';
  body: TextBlock[];
  actions?: OpenUrlAction[];
}
export interface TeamsMessage {
  type: 'message';
  /** The notification's text in Teams' activity feed. */
  summary: string;
  attachments: [
    { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard },
  ];
}

/** Teams' TextBlock takes a subset of Markdown: square brackets and asterisks in names are escaped. */
const escapeMarkdown = (text: string) => text.replace(/([\\[\]*_])/g, '\\$1');

export function teamsMessage(post: ChatPost): TeamsMessage {
  const body: TextBlock[] = [
    { type: 'TextBlock', text: escapeMarkdown(post.title), wrap: true, size: 'Large', weight: 'Bolder' },
    { type: 'TextBlock', text: escapeMarkdown(post.summary), wrap: true },
  ];
  for (const section of post.sections) {
    if (section.lines.length === 0) continue;
    body.push({
      type: 'TextBlock',
      text: escapeMarkdown(section.heading),
      wrap: true,
      weight: 'Bolder',
      spacing: 'Medium',
    });
    body.push({
      type: 'TextBlock',
      text: section.lines
        .map((l) => `- ${l.url ? `[${escapeMarkdown(l.text)}](${l.url})` : escapeMarkdown(l.text)}`)
        .join('\n'),
      wrap: true,
    });
  }
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body,
    ...(post.link
      ? { actions: [{ type: 'Action.OpenUrl', title: post.link.label, url: post.link.url }] }
      : {}),
  };
  return {
    type: 'message',
    summary: post.title,
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}
