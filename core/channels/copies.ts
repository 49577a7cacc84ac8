import type { ChatTopic } from '#config/channels-schema';
import type { Config } from '#config/schema';
import type { MessageDraft } from '#core/effects/effect';
import { messageKeyId } from '#core/journeys/messages';
import { REVIEW_INVITATION_PLAY } from '#core/workflows/review-invitation';
import { accountPageUrl } from './links.ts';
import type { ChatPost } from './post.ts';
import { CHAT_LABEL, chatDestinations, chatRecipientId } from './route.ts';

/**
 * The Slack and Teams copies of the notices a decision sends to people at the vendor (DESIGN decision 9: routing
 * is a pure decision; the executor applies its result like any message). Each immediate notice goes, besides the
 * mail, to every destination its routes name; routine notices wait for the daily mail and are not posted. A post
 * is keyed by play, subject, occurrence and destination: the CSM's and the manager's notice of one risk tier make
 * one post per channel, and a replay finds it in the ledger.
 */

function topicOf(message: MessageDraft): ChatTopic {
  if (message.key.playId === 'risk_notice') return 'escalations';
  if (message.key.playId === REVIEW_INVITATION_PLAY) return 'reviews';
  return 'notices';
}

function postOf(config: Config, accountId: string, message: MessageDraft): ChatPost | undefined {
  const content = message.content;
  if (content.kind !== 'composed') return undefined;
  return {
    title: content.subject,
    summary: content.notice?.summary ?? content.text,
    sections: (content.notice?.sections ?? []).map((s) => ({
      heading: s.heading,
      lines: s.lines.map((text) => ({ text })),
    })),
    link: { label: 'Open the account', url: accountPageUrl(config.messaging.publicBaseUrl, accountId) },
  };
}

export function withChatCopies(
  config: Config,
  account: { id: string; region: string },
  messages: readonly MessageDraft[],
): MessageDraft[] {
  const copies = new Map<string, MessageDraft>();
  for (const message of messages) {
    if (message.audience !== 'internal' || message.channel !== 'email' || message.urgency === 'routine')
      continue;
    const destinations = chatDestinations(config.channels, {
      topic: topicOf(message),
      region: account.region,
      people: [message.recipient.email, ...(message.cc ?? [])],
    });
    const post = destinations.length > 0 ? postOf(config, account.id, message) : undefined;
    if (!post) continue;
    for (const destination of destinations) {
      const id = chatRecipientId(destination.name);
      const key = { ...message.key, recipientId: id };
      if (copies.has(messageKeyId(key))) continue;
      copies.set(messageKeyId(key), {
        key,
        audience: 'internal',
        recipient: { id, name: destination.name, email: '', timezone: 'UTC', role: 'channel' },
        ...(message.playId ? { playId: message.playId } : {}),
        channel: destination.kind,
        urgency: 'immediate',
        content: { kind: 'chat', destination: destination.name, post },
        timeline: {
          ...message.timeline,
          what: `Posted to ${CHAT_LABEL[destination.kind]} (${destination.name}): ${message.timeline.what}`,
          details: { ...message.timeline.details, destination: destination.name },
        },
      });
    }
  }
  return [...messages, ...copies.values()];
}
