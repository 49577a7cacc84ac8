import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { keys } from './keys.ts';

let cached: { tableName: string; secret: string } | undefined;

async function readSecret(db: Db): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.unsubscribeSecret, ConsistentRead: true }),
  );
  return typeof out.Item?.secret === 'string' ? out.Item.secret : undefined;
}

/**
 * The secret for checking a link, never creating it: before the first journey email signed a link there is none,
 * and then no token is valid. The public unsubscribe function uses this one, so its role needs no write access to
 * the secret's item (infra/constructs/table-access.ts).
 */
export async function existingUnsubscribeSecret(db: Db): Promise<string | undefined> {
  if (cached?.tableName === db.tableName) return cached.secret;
  const secret = await readSecret(db);
  if (secret) cached = { tableName: db.tableName, secret };
  return secret;
}

/**
 * The HMAC key of unsubscribe links, generated once per table (first writer wins by a conditional put) and kept
 * in the table, so the journey tasks that sign links and the API function that checks them share it with no
 * extra infrastructure. It is as protected as the contacts it guards (the same encrypted table, the same IAM).
 */
export async function unsubscribeSecret(db: Db): Promise<string> {
  if (cached?.tableName === db.tableName) return cached.secret;
  let secret = await readSecret(db);
  if (!secret) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...keys.unsubscribeSecret, kind: 'setting', secret: randomBytes(32).toString('base64url') },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    secret = await readSecret(db);
  }
  if (!secret) throw new Error('the unsubscribe secret could not be read back after writing it');
  cached = { tableName: db.tableName, secret };
  return secret;
}
