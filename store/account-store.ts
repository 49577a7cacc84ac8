import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type Account, type AccountInput, accountSchema } from '#core/accounts';
import type { LookupLink } from '#core/connectors/links';
import { changeEvent } from '#core/renewals/contract-history';
import { batchGet, batchPut } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { recordContractEvents } from './contract-history-store.ts';
import { markDirtyInBulk } from './dirty-store.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { keys } from './keys.ts';
import { normaliseEmail, putLinks, syncContactEmails } from './lookup-store.ts';
import { mapLimit } from './parallel.ts';
import { parseItem } from './parse-item.ts';
import { registerAccounts } from './portfolio-store.ts';
import { getItemRequest } from './read-requests.ts';

export type UpsertOutcome = 'created' | 'updated';

const PROFILE_FIELDS = [
  'id',
  'name',
  'region',
  'arr',
  'currency',
  'segment',
  'tier',
  'goLiveDate',
  'csm',
  'manager',
  'contacts',
  'contract',
  'externalIds',
  'attributes',
] as const;

/** Every field of an account is a profile field: one added to the schema and not here would be dropped silently. */
const everyFieldListed: [Exclude<keyof AccountInput, (typeof PROFILE_FIELDS)[number]>] extends [never]
  ? true
  : never = true;
void everyFieldListed;

const profileItem = z.looseObject({ id: z.string(), createdAt: z.string().optional() });

/**
 * Updates a stored profile: every profile field is replaced (an omitted optional field is removed), createdAt is
 * kept. UPDATED_OLD gives the contacts it replaced.
 */
async function writeProfile(
  db: Db,
  account: AccountInput,
  now: Date,
): Promise<{
  outcome: UpsertOutcome;
  previousContacts: { email: string }[];
  previousContract?: ContractValue;
}> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':kind': 'account', ':now': now.toISOString() };
  const sets = ['#kind = :kind', 'createdAt = if_not_exists(createdAt, :now)', 'updatedAt = :now'];
  const removes: string[] = [];
  names['#kind'] = 'kind';
  for (const field of PROFILE_FIELDS) {
    names[`#${field}`] = field;
    const value = account[field];
    if (value === undefined) removes.push(`#${field}`);
    else {
      sets.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  // Every email that may have a lookup is remembered until its lookup is deleted (see forgetLookupEmails), so an
  // upsert that crashed before deleting the lookups of removed contacts leaves them to the next upsert.
  const emails = lookupEmails(account);
  if (emails.size) values[':lookupEmails'] = emails;
  const add = emails.size ? ' ADD lookupEmails :lookupEmails' : '';
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.account(account.id),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}${add}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'UPDATED_OLD',
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  recordCapacity(db, out.ConsumedCapacity, 'write');
  return {
    outcome: out.Attributes?.createdAt ? 'updated' : 'created',
    previousContacts: [...previousContacts(out.Attributes), ...rememberedEmails(out.Attributes)],
    previousContract: previousContract(out.Attributes),
  };
}

/** What a contract is worth, in which currency: a change of either is kept in the contract history. */
type ContractValue = { arr: number; currency: string };

const storedContractValue = z.object({ currency: z.string(), contract: z.looseObject({ arr: z.number() }) });

function previousContract(attributes: Record<string, unknown> | undefined): ContractValue | undefined {
  const parsed = storedContractValue.safeParse(attributes);
  return parsed.success ? { arr: parsed.data.contract.arr, currency: parsed.data.currency } : undefined;
}

/** The contract-history events of an upsert: the first value of a new account, a changed value of another. */
function contractEvents(
  accounts: readonly AccountInput[],
  written: readonly { outcome: UpsertOutcome; previousContract?: ContractValue }[],
  now: Date,
) {
  return accounts.flatMap((account, i) => {
    const before = written[i]?.outcome === 'updated' ? written[i]?.previousContract : undefined;
    if (written[i]?.outcome === 'updated' && !before) return [];
    const event = changeEvent(
      before,
      {
        accountId: account.id,
        arr: account.contract.arr,
        currency: account.currency,
        renewalDate: account.contract.renewalDate,
      },
      now.toISOString(),
    );
    return event ? [{ event, ref: event.cause }] : [];
  });
}

function lookupEmails(account: AccountInput): Set<string> {
  return new Set(account.contacts.map((c) => normaliseEmail(c.email)));
}

const storedLookupEmails = z.instanceof(Set<string>);

/** The emails a profile remembered as possibly looked up (UPDATED_OLD returns them). */
function rememberedEmails(attributes: Record<string, unknown> | undefined): { email: string }[] {
  const parsed = storedLookupEmails.safeParse(attributes?.lookupEmails);
  return parsed.success ? [...parsed.data].map((email) => ({ email: String(email) })) : [];
}

/** Once their lookups are deleted, the profile stops remembering those emails. */
async function forgetLookupEmails(db: Db, accountId: string, gone: ReadonlySet<string>): Promise<void> {
  if (!gone.size) return;
  const out = await db.doc
    .send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.account(accountId),
        UpdateExpression: 'DELETE lookupEmails :gone',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':gone': gone },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    )
    .catch((error: unknown) => {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    });
  recordCapacity(db, out?.ConsumedCapacity, 'write');
}

/** The item of an account created now: what writeProfile leaves on an empty key. */
function newProfile(account: AccountInput, now: Date): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...keys.account(account.id),
    kind: 'account',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  for (const field of PROFILE_FIELDS) if (account[field] !== undefined) item[field] = account[field];
  const emails = lookupEmails(account);
  if (emails.size) item.lookupEmails = emails;
  return item;
}

export async function upsertAccount(db: Db, account: AccountInput, now: Date): Promise<UpsertOutcome> {
  const [outcome] = await upsertAccounts(db, [account], now);
  return outcome as UpsertOutcome;
}

const storedContacts = z.array(z.looseObject({ email: z.string() }));

/** The contacts an upsert replaced (UPDATED_OLD returns them), to drop emails the account no longer lists. */
function previousContacts(attributes: Record<string, unknown> | undefined): { email: string }[] {
  const parsed = storedContacts.safeParse(attributes?.contacts);
  return parsed.success ? parsed.data : [];
}

const PROFILES_IN_FLIGHT = 16;

/**
 * Upserts accounts with the requests batched across them: which profiles exist (one BatchGet per 100); new
 * accounts registered in the portfolio first (so no pass can miss a stored profile) and their profiles written
 * 25 to a request; existing profiles updated one by one; the contact-email lookups of all of them together; and
 * every account marked dirty last (so the next recompute reads the new profile: its segment or tier may have
 * changed). Every step is idempotent, so a retry after a crash finishes the job.
 */
export async function upsertAccounts(
  db: Db,
  accounts: readonly AccountInput[],
  now: Date,
): Promise<UpsertOutcome[]> {
  const existing = new Set(
    (
      await batchGet(
        db,
        accounts.map((a) => keys.account(a.id)),
        { projection: 'id, createdAt' },
      )
    )
      .map((item) => parseItem(profileItem, item, `account ${String(item.pk)}`))
      .filter((item) => item.createdAt !== undefined)
      .map((item) => item.id),
  );
  const created = accounts.filter((a) => !existing.has(a.id));
  await registerAccounts(
    db,
    created.map((a) => a.id),
  );
  // A profile not there yet is written whole, 25 to a request; an existing one is updated field by field.
  await batchPut(
    db,
    created.map((account) => newProfile(account, now)),
  );
  const written = await mapLimit(accounts, PROFILES_IN_FLIGHT, async (account) =>
    existing.has(account.id)
      ? writeProfile(db, account, now)
      : { outcome: 'created' as const, previousContacts: [] },
  );
  const gone = await syncContactEmails(
    db,
    accounts.map((account, i) => ({
      accountId: account.id,
      current: account.contacts,
      previous: written[i]?.previousContacts ?? [],
    })),
  );
  await mapLimit([...gone], PROFILES_IN_FLIGHT, ([accountId, emails]) =>
    forgetLookupEmails(db, accountId, emails),
  );
  await putLinks(db, externalIdLinks(accounts, now));
  await recordContractEvents(db, contractEvents(accounts, written, now));
  await markDirtyInBulk(
    db,
    accounts.map((a) => a.id),
    now,
  );
  return written.map((w) => w.outcome);
}

/**
 * The lookups an upsert's external ids teach, dated now: newer than what an earlier upsert or webhook taught, so
 * the last word on a record's account wins.
 */
function externalIdLinks(accounts: readonly AccountInput[], now: Date): LookupLink[] {
  return accounts.flatMap((account) =>
    (account.externalIds ?? []).map((ref) => ({
      kind: ref.kind,
      key: ref.id,
      accountId: account.id,
      at: now.toISOString(),
      sourceRef: `account:${account.id}`,
    })),
  );
}

/** A stored profile: the account as validated on the way in, with when it was created and last changed. */
export const storedAccount = z.object({
  ...accountSchema.shape,
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The account in a stored profile item, parsed. */
export function toAccount(item: Record<string, unknown>): Account {
  return parseItem(storedAccount, item, `account ${String(item.pk)}`);
}

export async function getAccount(
  db: Db,
  accountId: string,
  options: { consistent?: boolean } = {},
): Promise<Account | undefined> {
  const item = await getItemRequest(db, keys.account(accountId), options.consistent ?? false);
  return item ? toAccount(item) : undefined;
}

/** Which of these account ids exist (one projected, consistent BatchGet per 100 ids). */
export async function existingAccountIds(db: Db, accountIds: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(accountIds)];
  const items = await batchGet(
    db,
    unique.map((id) => keys.account(id)),
    { projection: 'id' },
  );
  return new Set(items.map((item) => String(item.id)));
}

/** Stored profiles of these account ids (one consistent BatchGet per 100); unknown ids are left out. */
export async function getAccounts(db: Db, accountIds: readonly string[]): Promise<Account[]> {
  const items = await batchGet(
    db,
    [...new Set(accountIds)].map((id) => keys.account(id)),
  );
  return items.map(toAccount);
}
