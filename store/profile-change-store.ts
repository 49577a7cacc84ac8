import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { accountSchema } from '#core/accounts';
import { isNewerPatch } from '#core/connectors/contract';
import { type ProfileChange, withProfileChange } from '#core/connectors/profile';
import { getAccount, upsertAccount } from './account-store.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

/**
 * Profile changes from the CRM (core/connectors/profile.ts): each field remembers the vendor event that last
 * changed it (`ACCOUNT#<id> / PROFILEFIELD#<source>#<field>`), and a change applies only if newer, through the one
 * account upsert (so the profile is validated, its lookups kept and the account marked for scoring). The marker is
 * written after the upsert: a crash between them is repaired by the vendor's retry, which applies the same value.
 */
const appliedSchema = z.object({ eventId: z.string(), observedAt: z.string() });

export type ProfileChangeOutcome = 'applied' | 'unchanged' | 'unknown_account';

export async function applyProfileChange(
  db: Db,
  change: ProfileChange,
  now: Date,
): Promise<ProfileChangeOutcome> {
  const key = keys.profileField(change.accountId, change.source, change.field);
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
  const applied = out.Item ? parseItem(appliedSchema, out.Item, `profile field ${key.sk}`) : undefined;
  if (!isNewerPatch(change, applied)) return 'unchanged';
  const stored = await getAccount(db, change.accountId, { consistent: true });
  if (!stored) return 'unknown_account';
  const { createdAt: _created, updatedAt: _updated, ...account } = stored;
  await upsertAccount(db, accountSchema.parse(withProfileChange(account, change)), now);
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...key, kind: 'profileField', eventId: change.eventId, observedAt: change.observedAt },
    }),
  );
  return 'applied';
}
