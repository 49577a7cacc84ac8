import { beforeAll, describe, expect, it } from 'vitest';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readDaySignals } from '#store/signal-store';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import {
  counts,
  countsOf,
  dataItems,
  fixtureText,
  NOW,
  sign,
  webhookClient,
  webhookDeps,
} from '../support/webhooks.ts';

const bill = {
  id: 'bill',
  email: 'bill.lumbergh@example.com',
  name: 'Bill Lumbergh',
  role: 'sponsor',
  timezone: 'America/Chicago',
} as const;
const mapping = {
  survey: { typeform: { forms: { lT4Z3j: { kind: 'nps', commentField: 'nps_reason' } } } },
} as const;

let db: Db;
let post: ReturnType<typeof webhookClient>;

beforeAll(async () => {
  db = await createTestDb();
  const initech = account('initech');
  await upsertAccount(db, { ...initech, contacts: [...initech.contacts, bill] }, NOW);
  post = webhookClient(webhookDeps(db, mapping));
});

const survey = (body: string) => post('survey', body, sign.survey(body));
const typeform = (body: string) => post('survey', body, sign.typeform(body));

describe('POST /v1/webhooks/survey (generic NPS / CSAT)', () => {
  const response = fixtureText('survey-response.json');

  it("stores a signed response under the account whose contact answered, found by the respondent's email", async () => {
    const answer = await survey(response);
    expect(answer.status).toBe(200);
    expect(countsOf(answer.outcome())).toEqual(counts({ accepted: 1, lookups: { resolved: 1 } }));
    // submittedAt 2026-03-04T12:30:00+01:00 is 11:30 UTC.
    expect(await readDaySignals(db, 'initech', '2026-03-04')).toMatchObject([
      {
        id: 'survey:q1-2026-nps:r-000123',
        type: 'nps',
        value: 6,
        occurredAt: '2026-03-04T11:30:00.000Z',
        attributes: { surveyId: 'q1-2026-nps', comment: 'Reporting is slow for large cohorts.' },
      },
    ]);
  });

  it('answers a resent response with a duplicate, changing no data', async () => {
    const before = await dumpTable(db, dataItems);
    expect(countsOf((await survey(response)).outcome())).toEqual(
      counts({ duplicates: 1, lookups: { resolved: 1 } }),
    );
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('parks a response whose respondent is a contact of two accounts, and resolves again once only one lists them', async () => {
    const initrode = account('initrode');
    await upsertAccount(
      db,
      { ...initrode, contacts: [...initrode.contacts, { ...bill, id: 'bill-2' }] },
      NOW,
    );
    const ambiguous = JSON.stringify({
      surveyId: 'q2',
      responseId: 'r-1',
      kind: 'csat',
      score: 4,
      respondent: { email: 'BILL.LUMBERGH@example.com' },
      submittedAt: '2026-04-01T10:00:00Z',
    });
    const parked = (await survey(ambiguous)).outcome();
    expect(countsOf(parked)).toEqual(counts({ lookups: { parked: 1 } }));
    expect(parked.unresolved[0]?.reason).toBe(
      'contact_email "bill.lumbergh@example.com" belongs to several accounts (initech, initrode)',
    );

    // Upserting initrode without Bill removes his email from its lookup.
    await upsertAccount(db, initrode, NOW);
    const next = JSON.stringify({
      surveyId: 'q2',
      responseId: 'r-2',
      kind: 'csat',
      score: 5,
      respondent: { email: 'bill.lumbergh@example.com' },
      submittedAt: '2026-04-02T10:00:00Z',
    });
    expect(countsOf((await survey(next)).outcome())).toEqual(
      counts({ accepted: 1, lookups: { resolved: 1 } }),
    );
  });

  it('ignores a response out of range with the reason, and answers 200', async () => {
    const bad = JSON.stringify({
      surveyId: 'q2',
      responseId: 'r-3',
      kind: 'nps',
      score: 11,
      accountId: 'initech',
      submittedAt: '2026-04-02T10:00:00Z',
    });
    const outcome = (await survey(bad)).outcome();
    expect(countsOf(outcome)).toEqual(counts({ ignored: 1 }));
    expect(outcome.ignoredRecords[0]?.reason).toMatch(
      /^not a valid signal: value: must be a whole number from 0 to 10/,
    );
  });

  it('refuses a wrong or missing signature with 401, and the Typeform secret for a generic response', async () => {
    const wrong = await post('survey', response, sign.survey(response, 'nope'));
    const missing = await post('survey', response, {});
    const crossed = await post('survey', response, sign.survey(response, 'typeform_secret_for_tests'));
    expect([wrong.status, missing.status, crossed.status]).toEqual([401, 401, 401]);
    expect(missing.message()).toBe('signature refused: missing X-Churnguard-Signature header');
  });
});

describe('POST /v1/webhooks/survey (Typeform)', () => {
  const delivery = fixtureText('typeform-form-response.json');

  it('stores a listed form’s NPS answer under the account in the hidden field, with the reason as comment', async () => {
    const answer = await typeform(delivery);
    expect(countsOf(answer.outcome())).toEqual(counts({ accepted: 1 }));
    expect(await readDaySignals(db, 'initech', '2026-03-05')).toMatchObject([
      {
        id: 'typeform:lT4Z3j:a3a12ec67a1365927098a606107fac15',
        type: 'nps',
        value: 9,
        attributes: { surveyId: 'typeform:lT4Z3j', comment: 'Saves us a day every week.' },
      },
    ]);
    expect(countsOf((await typeform(delivery)).outcome())).toEqual(counts({ duplicates: 1 }));
  });

  it('acknowledges a form that is not listed with 200, ignored with the reason', async () => {
    const other = delivery.replaceAll('lT4Z3j', 'zzOther');
    const outcome = (await typeform(other)).outcome();
    expect(countsOf(outcome)).toEqual(counts({ ignored: 1 }));
    expect(outcome.ignoredRecords[0]?.reason).toBe('form zzOther is not listed in survey.typeform.forms');
  });

  it('refuses a Typeform delivery signed with the generic survey secret', async () => {
    const crossed = await post('survey', delivery, sign.typeform(delivery, 'survey_secret_for_tests'));
    expect(crossed.status).toBe(401);
    expect(crossed.message()).toBe('signature refused: signature does not match');
  });
});
