import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { keys } from './keys.ts';

/** Per client, not per table name: two in-memory stores (two simulations) may share a table name. */
const cached = new WeakMap<Db, string>();

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
  const known = cached.get(db);
  if (known) return known;
  const secret = await readSecret(db);
  if (secret) cached.set(db, secret);
  return secret;
}

/**
 * The HMAC key of unsubscribe links, generated once per table (first writer wins by a conditional put) and kept
 * in the table, so the journey tasks that sign links and the API function that checks them share it with no
 * extra infrastructure (`generate` makes it: random, except in a simulation, whose links must come out the same in
 * every run). It is as protected as the contacts it guards (the same encrypted table, the same IAM).
 */
export async function unsubscribeSecret(
  db: Db,
  generate: () => string = () => randomBytes(32).toString('base64url'),
): Promise<string> {
  const known = cached.get(db);
  if (known) return known;
  let secret = await readSecret(db);
  if (!secret) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { ...keys.unsubscribeSecret, kind: 'setting', secret: generate() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    secret = await readSecret(db);
  }
  if (!secret) throw new Error('the unsubscribe secret could not be read back after writing it');
  cached.set(db, secret);
  return secret;
}
