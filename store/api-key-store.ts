import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { keys } from './keys.ts';

/** Keys are stored only as their SHA-256; a leaked table does not leak a usable key. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `cg_${randomBytes(24).toString('base64url')}`;
}

export async function registerApiKey(db: Db, apiKey: string, name: string, now: Date): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.apiKey(hashApiKey(apiKey)), kind: 'apiKey', name, createdAt: now.toISOString() },
    }),
  );
}

export async function isApiKeyValid(db: Db, apiKey: string): Promise<boolean> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.apiKey(hashApiKey(apiKey)),
      ProjectionExpression: 'pk',
    }),
  );
  return out.Item !== undefined;
}

/** Removes a key (found by its hash); running warm functions may accept it for up to a minute (their cache). */
export async function revokeApiKeyHash(db: Db, keyHash: string): Promise<boolean> {
  const out = await db.doc.send(
    new DeleteCommand({ TableName: db.tableName, Key: keys.apiKey(keyHash), ReturnValues: 'ALL_OLD' }),
  );
  return out.Attributes !== undefined;
}
