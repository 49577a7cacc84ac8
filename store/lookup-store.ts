import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { unboundPatchSchema } from '#core/connectors/contract';
import type { LookupLink } from '#core/connectors/links';
import { type AccountLookup, LOOKUP_KINDS, type Pending, type UnboundPatch } from '#core/connectors/shared';
import { batchPut, queryAll } from './batch.ts';
import { type Db, recordCapacity } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { type Key, keys } from './keys.ts';
import { mapLimit } from './parallel.ts';

/**
 * Vendor identity -> account lookups for webhooks, and the records waiting for one.
 *
 * - Links (`LOOKUP#<kind>#<key> / LINK`) are learned from webhooks; newer evidence replaces older, so late or
 *   replayed deliveries cannot undo a move. Ties go to the larger account id, so the outcome does not depend
 *   on delivery order.
 * - Contact emails (`LOOKUP#contact_email#<email> / ACCOUNT#<id>`) are written with the account profile, one
 *   item per account, because one person can be a contact of several accounts: such an email is ambiguous.
 * - Parked records (`PARKED#<kind>#<key> / ...`) are pending records no lookup answered yet; a link learned
 *   later releases them. Parking is first-write-wins, so a replay leaves the table as it was.
 */

const LOOKUP_CONCURRENCY = 8;

/** Newer evidence wins; equal times go to the larger account id (order-independent); the same link is a no-op. */
const linkIsNewer = 'attribute_not_exists(pk) OR linkedAt < :at OR (linkedAt = :at AND accountId < :account)';
const notParkedYet = 'attribute_not_exists(pk)';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Writes a learned link unless the stored one is as new or newer. Returns whether it was written. */
export async function putLink(db: Db, link: LookupLink): Promise<boolean> {
  const at = new Date(link.at).toISOString();
  return whenConditionHolds(async () => {
    const out = await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...keys.lookupLink(link.kind, link.key),
          kind: 'lookup',
          lookupKind: link.kind,
          lookupKey: link.key,
          accountId: link.accountId,
          linkedAt: at,
          sourceRef: link.sourceRef,
        },
        ConditionExpression: linkIsNewer,
        ExpressionAttributeValues: { ':at': at, ':account': link.accountId },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}

/** Writes every link (each independently conditional); returns how many changed the table. */
export async function putLinks(db: Db, links: readonly LookupLink[]): Promise<number> {
  const written = await mapLimit(links, LOOKUP_CONCURRENCY, (link) => putLink(db, link));
  return written.filter(Boolean).length;
}

export type LookupAnswer = { accountId: string } | { unresolved: string };

const lookupItem = z.looseObject({ accountId: z.string() });

/** The account for one vendor identity: found, not known (yet), or ambiguous (an email of several accounts). */
export async function lookupAccount(db: Db, lookup: AccountLookup): Promise<LookupAnswer> {
  const key = lookup.kind === 'contact_email' ? normaliseEmail(lookup.key) : lookup.key;
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.lookupPartition(lookup.kind, key) },
    ConsistentRead: true,
  });
  const accounts = [...new Set(items.map((item) => lookupItem.parse(item).accountId))].sort();
  const [only] = accounts;
  if (accounts.length === 1 && only !== undefined) return { accountId: only };
  if (accounts.length === 0) return { unresolved: `no account is known for ${lookup.kind} "${lookup.key}"` };
  return {
    unresolved: `${lookup.kind} "${lookup.key}" belongs to several accounts (${accounts.join(', ')})`,
  };
}

export const lookupId = (lookup: AccountLookup) => `${lookup.kind}\u0000${lookup.key}`;

/** Answers each distinct lookup once. */
export async function lookupAccounts(
  db: Db,
  lookups: readonly AccountLookup[],
): Promise<Map<string, LookupAnswer>> {
  const distinct = [...new Map(lookups.map((l) => [lookupId(l), l])).values()];
  const answers = new Map<string, LookupAnswer>();
  await mapLimit(distinct, LOOKUP_CONCURRENCY, async (l) => {
    answers.set(lookupId(l), await lookupAccount(db, l));
  });
  return answers;
}

/** An account's contacts now, and those an upsert replaced. */
export interface ContactEmails {
  accountId: string;
  current: readonly { email: string }[];
  previous?: readonly { email: string }[];
}

/**
 * Keeps the contact-email lookup in step with accounts' contacts: puts the current emails (batched across the
 * accounts) and deletes those an account no longer lists. Every write is idempotent, so repeating an upsert
 * repeats this harmlessly. Returns, per account, the emails whose lookups it deleted.
 */
export async function syncContactEmails(
  db: Db,
  accounts: readonly ContactEmails[],
): Promise<Map<string, Set<string>>> {
  const puts: Record<string, unknown>[] = [];
  const gone: Key[] = [];
  const goneByAccount = new Map<string, Set<string>>();
  for (const { accountId, current, previous = [] } of accounts) {
    const now = new Set(current.map((c) => normaliseEmail(c.email)));
    for (const email of now)
      puts.push({
        ...keys.contactEmail(email, accountId),
        kind: 'lookup',
        lookupKind: 'contact_email',
        accountId,
      });
    for (const email of new Set(previous.map((c) => normaliseEmail(c.email))))
      if (!now.has(email)) {
        gone.push(keys.contactEmail(email, accountId));
        goneByAccount.set(accountId, (goneByAccount.get(accountId) ?? new Set()).add(email));
      }
  }
  await batchPut(db, puts);
  await mapLimit(gone, LOOKUP_CONCURRENCY, async (key) => {
    const out = await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: key, ReturnConsumedCapacity: 'TOTAL' }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
  return goneByAccount;
}

// ---- parked records ----

/** A parked record read back: a signal still to be validated by the ingest path, or a checked patch. */
export type ParkedRecord = {
  key: Key;
  lookup: AccountLookup;
} & ({ kind: 'signal'; signal: Record<string, unknown> } | { kind: 'accountPatch'; patch: UnboundPatch });

function parkedKey(pending: Pending): Key {
  const { kind, key } = pending.needsAccountFor;
  return pending.kind === 'signal'
    ? keys.parkedSignal(kind, key, pending.signal.id)
    : keys.parkedPatch(kind, key, pending.patch.sourceRef, pending.patch.eventId);
}

/**
 * Keeps pending records no lookup could answer, for release when their link is learned. First write wins: a
 * replayed webhook parks nothing new. Returns how many were parked for the first time.
 */
export async function parkPending(
  db: Db,
  pending: readonly Pending[],
  source: string,
  now: Date,
): Promise<number> {
  const parked = await mapLimit(pending, LOOKUP_CONCURRENCY, async (record) => {
    return whenConditionHolds(async () => {
      const out = await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...parkedKey(record),
            kind: 'parked',
            source,
            lookupKind: record.needsAccountFor.kind,
            lookupKey: record.needsAccountFor.key,
            recordKind: record.kind,
            record: record.kind === 'signal' ? record.signal : record.patch,
            parkedAt: now.toISOString(),
          },
          ConditionExpression: notParkedYet,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      recordCapacity(db, out.ConsumedCapacity, 'write');
    });
  });
  return parked.filter(Boolean).length;
}

const parkedItem = z.discriminatedUnion('recordKind', [
  z.looseObject({
    pk: z.string(),
    sk: z.string(),
    recordKind: z.literal('signal'),
    lookupKind: z.enum(LOOKUP_KINDS),
    lookupKey: z.string(),
    record: z.looseObject({ id: z.string(), type: z.string(), occurredAt: z.string() }),
  }),
  z.looseObject({
    pk: z.string(),
    sk: z.string(),
    recordKind: z.literal('accountPatch'),
    lookupKind: z.enum(LOOKUP_KINDS),
    lookupKey: z.string(),
    record: unboundPatchSchema,
  }),
]);

/**
 * The records parked for one vendor identity. Signals come back as stored; the ingest path validates them again
 * when they are bound. A stored item that no longer reads as a parked record fails loudly.
 */
export async function readParked(db: Db, lookup: AccountLookup): Promise<ParkedRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.parkedPartition(lookup.kind, lookup.key) },
    ConsistentRead: true,
  });
  return items.map((raw): ParkedRecord => {
    const item = parkedItem.parse(raw);
    const common = {
      key: { pk: item.pk, sk: item.sk },
      lookup: { kind: item.lookupKind, key: item.lookupKey },
    };
    return item.recordKind === 'signal'
      ? { ...common, kind: 'signal', signal: item.record }
      : { ...common, kind: 'accountPatch', patch: item.record };
  });
}

export async function deleteParked(db: Db, parked: readonly ParkedRecord[]): Promise<void> {
  await mapLimit(parked, LOOKUP_CONCURRENCY, async ({ key }) => {
    const out = await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: key, ReturnConsumedCapacity: 'TOTAL' }),
    );
    recordCapacity(db, out.ConsumedCapacity, 'write');
  });
}
