import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { upsertAccount } from '#store/account-store';
import { crashingOn } from '../support/crash.ts';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const contact = (id: string) => ({
  id,
  email: `${id}@acme.example`,
  name: id,
  role: 'admin' as const,
  timezone: 'UTC',
});
const lookedUp = async (db: Awaited<ReturnType<typeof createTestDb>>) =>
  (await dumpTable(db, (item) => String(item.pk).startsWith('LOOKUP#contact_email#'))).map((item) =>
    String(item.pk).replace('LOOKUP#contact_email#', ''),
  );

describe('the contact-email lookup follows the account’s contacts (issue 14, defect 4)', () => {
  it('removes a dropped contact’s lookup on the next upsert when a crash struck before it was deleted', async () => {
    // Prepare: Acme lists Ann and Bob.
    const db = await createTestDb();
    await upsertAccount(db, account('acme', { contacts: [contact('ann'), contact('bob')] }), NOW);
    expect((await lookedUp(db)).sort()).toEqual(['ann@acme.example', 'bob@acme.example']);
    // Act: Bob is dropped, and the process dies after the profile was written, before Bob's lookup was deleted.
    const withoutBob = account('acme', { contacts: [contact('ann')] });
    const crashy = crashingOn(db, (command) => command instanceof DeleteCommand);
    await expect(upsertAccount(crashy, withoutBob, NOW)).rejects.toThrow('simulated crash');
    expect((await lookedUp(db)).sort()).toEqual(['ann@acme.example', 'bob@acme.example']);
    // The caller retries the same upsert (the profile already says Ann alone).
    await upsertAccount(db, withoutBob, NOW);
    // Assess: Bob's email no longer finds Acme.
    expect(await lookedUp(db)).toEqual(['ann@acme.example']);
    const [profile] = await dumpTable(db, (item) => item.pk === 'ACCOUNT#acme' && item.sk === 'PROFILE');
    expect(profile?.lookupEmails).toEqual(new Set(['ann@acme.example']));
  });
});
