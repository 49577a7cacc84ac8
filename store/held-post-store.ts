import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { keys, type LedgerOwner } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * Slack and Teams posts held by a quiet day (core/channels/hold.ts). The post's own row stays `queued` in its
 * ledger with its rendered payload; this index finds it on the day whose daily notice run posts it.
 */
export const heldPostSchema = z.object({
  day: z.string(),
  owner: z.union([z.object({ accountId: z.string() }), z.object({ team: z.string() })]),
  key: z.string(),
});
export type HeldPost = z.infer<typeof heldPostSchema> & { owner: LedgerOwner };

/** Holds a post for a day; the key is deterministic, so a retry rewrites the same item. */
export async function holdPost(db: Db, post: HeldPost): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.heldPost(post.day, post.owner, post.key), kind: 'heldPost', ...post },
    }),
  );
}

/** The posts held for a day. */
export async function heldPosts(db: Db, day: string): Promise<HeldPost[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.heldPostPartition(day) },
    ConsistentRead: true,
  });
  return items.map((item) => parseItem(heldPostSchema, item, 'held post'));
}
