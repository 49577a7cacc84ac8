import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseItem, writtenItem } from '#store/parse-item';

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
