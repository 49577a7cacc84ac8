import * as z from 'zod';
import type { ChatKind } from '#config/channels-schema';
import { type ChatPost, chatPostText } from './post.ts';
import { slackMessage } from './slack.ts';
import { teamsMessage } from './teams.ts';

const jsonObject = z.record(z.string(), z.unknown());

/** A post in its vendor's shape, with the plain subject and text the ledger keeps beside it. */
export interface RenderedPost {
  subject: string;
  text: string;
  post: { kind: ChatKind; destination: string; payload: Record<string, unknown> };
}

export function renderChatPost(kind: ChatKind, destination: string, post: ChatPost): RenderedPost {
  const payload = kind === 'slack' ? slackMessage(post) : teamsMessage(post);
  return {
    subject: post.title,
    text: chatPostText(post),
    // A plain JSON object: it is stored in the ledger row and posted as it is.
    post: { kind, destination, payload: jsonObject.parse(JSON.parse(JSON.stringify(payload))) },
  };
}
