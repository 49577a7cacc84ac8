import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/** Keys are stored only as their SHA-256; a leaked table does not leak a usable key. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `cg_${randomBytes(24).toString('base64url')}`;
}

/**
 * What a key may do: `ingest` sends signals and accounts (give it to integrations and importers), `read` reads
 * accounts, timelines, the portfolio and messages (the page, reports), `admin` does both and changes risks.
 */
export const API_KEY_SCOPES = ['admin', 'ingest', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export async function registerApiKey(
  db: Db,
  apiKey: string,
  name: string,
  now: Date,
  scope: ApiKeyScope = 'admin',
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...keys.apiKey(hashApiKey(apiKey)), kind: 'apiKey', name, scope, createdAt: now.toISOString() },
    }),
  );
}

// Keys created before scopes existed have none: they keep the admin rights they had.
const storedKey = z.object({ scope: z.enum(API_KEY_SCOPES).default('admin') });

/** The scope of a key, or undefined when the key is unknown (or revoked). */
export async function apiKeyScope(db: Db, apiKey: string): Promise<ApiKeyScope | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: keys.apiKey(hashApiKey(apiKey)),
      ProjectionExpression: 'pk, #scope',
      ExpressionAttributeNames: { '#scope': 'scope' },
    }),
  );
  return out.Item ? parseItem(storedKey, out.Item, 'API key').scope : undefined;
}

/** Removes a key (found by its hash); running warm functions may accept it for up to a minute (their cache). */
export async function revokeApiKeyHash(db: Db, keyHash: string): Promise<boolean> {
  const out = await db.doc.send(
    new DeleteCommand({ TableName: db.tableName, Key: keys.apiKey(keyHash), ReturnValues: 'ALL_OLD' }),
  );
  return out.Attributes !== undefined;
}
