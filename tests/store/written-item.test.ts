import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createMemoryDb } from '#store/memory/client';
import { parseItem, writtenItem } from '#store/parse-item';
import { ensureTable } from '#store/table';

const schema = z.object({ name: z.string(), contacts: z.array(z.object({ email: z.string() })) });

/** An item this process wrote is read back without a second check (store/parse-item.ts), so it must not change. */
describe('an item written by this process', () => {
  it('is frozen all through, value included, so the unchecked read can never go stale', () => {
    const value = { name: 'Acme', contacts: [{ email: 'ann@acme.example' }] };
    const item = writtenItem(schema, value, { pk: 'ACCOUNT#acme', sk: 'PROFILE' });
    expect(item).toEqual({ pk: 'ACCOUNT#acme', sk: 'PROFILE', ...value });
    expect(() => {
      (item as { name: string }).name = 'Other';
    }).toThrow(TypeError);
    expect(() => {
      value.contacts.push({ email: 'eve@evil.example' });
    }).toThrow(TypeError);
    expect(() => {
      (value.contacts[0] as { email: string }).email = 'eve@evil.example';
    }).toThrow(TypeError);
    expect(parseItem(schema, item, 'profile of acme')).toEqual({
      name: 'Acme',
      contacts: [{ email: 'ann@acme.example' }],
    });
  });
});

/**
 * An item holding a set is read from the in-memory store as a copy of its own each time (sets cannot be frozen);
 * a copy as it was made parses to what the stored item parses to, once, and a copy its reader changed is parsed.
 */
describe('an in-memory item read as a copy', () => {
  const profile = z.object({ name: z.string(), emails: z.array(z.string()) });
  const withSet = z.object({ name: z.string(), tags: z.instanceof(Set<string>) });

  async function storedWithSet() {
    const db = createMemoryDb('copies');
    await ensureTable(db.doc, db.tableName);
    const key = { pk: 'ACCOUNT#acme', sk: 'PROFILE' };
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...key, name: 'Acme', emails: ['ann@acme.example'], tags: new Set(['a']) },
      }),
    );
    const read = async () =>
      (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key }))).Item as Record<
        string,
        unknown
      >;
    return read;
  }

  it('parses to the same value on every read while it is unchanged', async () => {
    const read = await storedWithSet();
    const first = await read();
    const second = await read();
    expect(second).not.toBe(first);
    expect(parseItem(profile, second, 'profile')).toBe(parseItem(profile, first, 'profile'));
  });

  it('is parsed on its own once its reader changed it', async () => {
    const read = await storedWithSet();
    parseItem(profile, await read(), 'profile');
    const changed = await read();
    (changed.emails as string[]).push('not-an-email-check');
    expect(parseItem(profile, changed, 'profile').emails).toEqual(['ann@acme.example', 'not-an-email-check']);
    expect(parseItem(profile, await read(), 'profile').emails).toEqual(['ann@acme.example']);
  });

  it('never hands one reader the set of another, nor the stored one', async () => {
    const read = await storedWithSet();
    const first = parseItem(withSet, await read(), 'tagged');
    first.tags.add('b');
    expect([...parseItem(withSet, await read(), 'tagged').tags]).toEqual(['a']);
  });
});
