import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MessageKey } from '#core/journeys/messages';
import { messageKeyId } from '#core/journeys/messages';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

export interface InAppMessage {
  contactId: string;
  accountId: string;
  at: string;
  playId: string;
  about: string;
  subject: string;
  text: string;
}

const inAppItem = z.object({
  contactId: z.string(),
  accountId: z.string(),
  at: z.string(),
  playId: z.string(),
  about: z.string(),
  subject: z.string(),
  text: z.string(),
});

/** Stores an in-app message; the key is deterministic, so a retry rewrites the same item. */
export async function putInAppMessage(db: Db, key: MessageKey, message: InAppMessage): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.inAppMessage(message.accountId, message.contactId, message.at, messageKeyId(key)),
        kind: 'inApp',
        ...message,
      },
    }),
  );
}

/** A contact's in-app messages, newest first (contacts are per account: two accounts may each have an "ann"). */
export async function listInAppMessages(
  db: Db,
  accountId: string,
  contactId: string,
  limit = 50,
): Promise<InAppMessage[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.inAppPartition(accountId, contactId) },
    ScanIndexForward: false,
  });
  return items.slice(0, limit).map((item) => parseItem(inAppItem, item, 'in-app message'));
}
