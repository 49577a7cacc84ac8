import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#core/clock';
import { sesMailer } from '#functions/shared/mailer';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { upsertAccount } from '#store/account-store';
import { openRisk } from '#store/risk-store';
import { useCaseDeps } from '#usecases/account-view';
import { sendRegionalDigests } from '#usecases/regional-digest';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { openRiskRecord } from '../support/risks.ts';
import { inbox } from '../support/ses-mail.ts';

/** A Monday morning: the weekly regional digest goes out. */
const NOW = '2026-06-01T07:00:00.000Z';
let ses: SesLocal;

beforeAll(async () => {
  ses = await startSesLocal();
});

afterAll(async () => {
  await ses?.stop();
});

const riskOf = (accountId: string, arr: number, currency: string) =>
  openRiskRecord(accountId, '2026-05-20T05:00:00.000Z', { arr, currency, tier: 2, scoreAtTier: 40 });

describe('the weekly regional digest never adds one currency into another', () => {
  it('states ARR at risk per currency, each risk in the currency its ARR is in', async () => {
    const db = await createTestDb();
    const clock = fixedClock(NOW);
    const manager = { name: 'Morgan Lee', email: 'morgan@vendor.example' };
    // Berlin is billed in EUR. Boston's risk opened on its USD 50,000 contract; billing has since moved the account
    // to EUR, but the ARR the risk holds is still the USD figure.
    await upsertAccount(db, account('berlin', { manager, currency: 'EUR', arr: 200_000 }), clock.now());
    await upsertAccount(db, account('boston', { manager, currency: 'EUR', arr: 46_000 }), clock.now());
    await openRisk(db, riskOf('berlin', 200_000, 'EUR'));
    await openRisk(db, riskOf('boston', 50_000, 'USD'));

    const deps = {
      ...useCaseDeps({ db, clock, logger: silentLogger() }),
      mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }),
    };
    const result = await sendRegionalDigests(deps);
    expect(result.sent).toBe(1);

    const [digest] = await inbox(ses).to('morgan@vendor.example');
    expect(digest?.subject).toBe('EMEA weekly risk review: 2 accounts at risk, EUR 200,000 + USD 50,000 ARR');
    expect(digest?.body.text).toContain(
      'Account boston | tier 2 | low_adoption | 12 days open | USD 50,000 | rescue',
    );
    expect(digest?.body.text).not.toContain('EUR 250,000');
  });
});
