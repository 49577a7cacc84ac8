import * as z from 'zod';
import type { ChatKind } from '#config/channels-schema';

/**
 * A posted message's headline and link, read back from the vendor's shape (Block Kit, an Adaptive Card): what the
 * capture's listing, `churnguard posts` and the simulation's result show of each post.
 */
const slackPayload = z.looseObject({
  text: z.string().optional(),
  blocks: z
    .array(z.looseObject({ elements: z.array(z.looseObject({ url: z.string().optional() })).optional() }))
    .optional(),
});
const teamsPayload = z.looseObject({
  summary: z.string().optional(),
  attachments: z
    .array(
      z.looseObject({
        content: z.looseObject({
          body: z.array(z.looseObject({ text: z.string().optional() })).optional(),
          actions: z.array(z.looseObject({ url: z.string().optional() })).optional(),
        }),
      }),
    )
    .optional(),
});

/** A captured post's headline and link, read from the vendor's shape. */
export function describePost(post: { kind: ChatKind; payload: Record<string, unknown> }): {
  title: string;
  link?: string;
} {
  if (post.kind === 'slack') {
    const slack = slackPayload.safeParse(post.payload);
    const link = slack.data?.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.url)?.url;
    return { title: slack.data?.text ?? '(no text)', ...(link ? { link } : {}) };
  }
  const teams = teamsPayload.safeParse(post.payload);
  const card = teams.data?.attachments?.[0]?.content;
  const link = card?.actions?.find((a) => a.url)?.url;
  const title = [teams.data?.summary, card?.body?.[1]?.text].filter(Boolean).join(': ');
  return { title: title || '(no text)', ...(link ? { link } : {}) };
}
