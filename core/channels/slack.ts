import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { ChatPost } from './post.ts';

/**
 * A post as a Slack incoming-webhook message in Block Kit: a header (what), the summary, a section per heading
 * (why, what to do, how to acknowledge) and a button to the account page. `text` is the notification's fallback.
 * Slack limits a section's text to 3,000 characters and a header to 150: longer text is cut with an ellipsis.
 */
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack's mrkdwn needs &, < and > escaped; a link is <url|label>. */
const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(post: ChatPost): IncomingWebhookSendArguments {
  const blocks: NonNullable<IncomingWebhookSendArguments['blocks']> = [
    { type: 'header', text: { type: 'plain_text', text: cut(post.title, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(post.summary), 3000) } },
  ];
  for (const section of post.sections) {
    if (section.lines.length === 0) continue;
    const lines = section.lines.map(
      (l) => `• ${l.url ? `<${l.url}|${escapeMrkdwn(l.text)}>` : escapeMrkdwn(l.text)}`,
    );
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`*${escapeMrkdwn(section.heading)}*\n${lines.join('\n')}`, 3000) },
    });
  }
  if (post.link) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: cut(post.link.label, 75) },
          url: post.link.url,
          action_id: 'open_account',
        },
      ],
    });
  }
  return { text: cut(`${post.title}: ${post.summary}`, 3000), blocks };
}
