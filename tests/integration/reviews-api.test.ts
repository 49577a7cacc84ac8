import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DueReview } from '#core/reviews/due';
import type { ReviewRecord } from '#core/workflows/review-record';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { createReview, getReview } from '#store/review-store';
import { readTimeline } from '#store/timeline-store';
import { churnguardAt } from '../support/cli.ts';
import { createTestDb, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { serveLocally } from '../support/local-api.ts';
import { mutableClock } from '../support/retention-fixture.ts';

/** GET /v1/reviews?due=... and POST /v1/accounts/{id}/reviews/{reviewId}, over HTTP against DynamoDB Local. */

const ADMIN = 'cg_test_reviews_admin';
const READ = 'cg_test_reviews_read';
const clock = mutableClock('2026-03-01T12:00:00Z');
let db: Db;
let api: { base: string; close(): Promise<void> };

interface Page {
  counts: Record<string, number>;
  reviews: DueReview[];
  nextCursor: string | null;
  errors?: { path: string; message: string }[];
}

async function call<T>(method: string, path: string, body?: unknown, key: string | null = ADMIN) {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const overdueReview: ReviewRecord = {
  reviewId: 'cadence.acr.20260201',
  accountId: 'hooli',
  reviewKind: 'annual_customer_review',
  status: 'scheduled',
  scheduledAt: '2026-01-18T09:00:00.000Z',
  startsAt: '2026-02-02T09:00:00.000Z',
  invitedTo: ['casey@vendor.example'],
  programme: 'acr',
};

/** A table of its own per describe block, so each block's tests see only their own changes. */
async function setUp() {
  clock.set('2026-03-01T12:00:00Z');
  db = await createTestDb();
  await registerApiKey(db, ADMIN, 'test', clock.now());
  await registerApiKey(db, READ, 'page', clock.now(), 'read');
  api = await serveLocally(testDeps(db, clock));
  const accounts = [
    account('globex', {
      segment: 'strategic',
      goLiveDate: '2024-02-01',
      contract: { startDate: '2025-10-01', renewalDate: '2028-01-01', arr: 900_000 },
    }),
    account('hooli', {
      segment: 'core',
      goLiveDate: '2025-01-10',
      contract: { startDate: '2025-06-01', renewalDate: '2027-06-01', arr: 48_000 },
    }),
  ];
  expect((await call('POST', '/v1/accounts', { accounts })).status).toBe(200);
  await createReview(db, overdueReview);
  await createReview(db, {
    ...overdueReview,
    reviewId: 'cadence.acr.20250201',
    startsAt: '2025-02-03T09:00:00.000Z',
    status: 'held',
  });
}

afterEach(() => {
  clock.set('2026-03-01T12:00:00Z');
});

describe('GET /v1/reviews', () => {
  beforeAll(setUp);
  afterAll(() => api.close());

  it('lists the overdue review first, then the programme reviews due within the window, a page at a time', async () => {
    // Act
    const { status, body } = await call<Page>('GET', '/v1/reviews?due=45d', undefined, READ);
    // Assess: Hooli's ACR is a month past with no outcome; Globex's quarterly health check (1 April) is planned,
    // its invitations on 18 March; Hooli's mid-year check (1 August) is outside 45 days.
    expect(status).toBe(200);
    expect(body.reviews.map((r) => [r.standing, r.accountId, r.kind, r.startsAt.slice(0, 10)])).toEqual([
      ['overdue', 'hooli', 'annual_customer_review', '2026-02-02'],
      ['planned', 'globex', 'health_check', '2026-04-01'],
    ]);
    expect(body.reviews[1]).toMatchObject({ reviewId: null, invitationAt: '2026-03-18T09:00:00.000Z' });
    expect(body.counts).toEqual({ overdue: 1, awaiting_outcome: 0, upcoming: 0, planned: 1 });
    // Paged: one at a time, the second page continuing where the first stopped.
    const first = await call<Page>('GET', '/v1/reviews?due=45d&limit=1', undefined, READ);
    expect(first.body.reviews.map((r) => r.accountId)).toEqual(['hooli']);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await call<Page>(
      'GET',
      `/v1/reviews?due=45d&limit=1&cursor=${first.body.nextCursor}`,
      undefined,
      READ,
    );
    expect(second.body.reviews.map((r) => r.accountId)).toEqual(['globex']);
    expect(second.body.nextCursor).toBeNull();
    // A longer window also shows Hooli's mid-year check.
    const later = await call<Page>('GET', '/v1/reviews?due=180d', undefined, READ);
    expect(later.body.reviews.map((r) => `${r.accountId} ${r.programme}`)).toContain('hooli mid_year');
  });

  it('refuses a malformed window, limit or cursor with a 400 naming the parameter, and a request without a key', async () => {
    for (const [query, path] of [
      ['due=30', 'due'],
      ['due=0d', 'due'],
      ['limit=0', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
    ]) {
      const { status, body } = await call<Page>('GET', `/v1/reviews?${query}`, undefined, READ);
      expect(status, query).toBe(400);
      expect(body.errors?.map((e) => e.path)).toEqual([path]);
    }
    expect((await call('GET', '/v1/reviews', undefined, null)).status).toBe(401);
  });
});

describe('POST /v1/accounts/{id}/reviews/{reviewId}', () => {
  beforeEach(setUp);
  afterEach(() => api.close());

  it('records a rescheduled, then a held review, on the review and the timeline; the overdue review leaves the list', async () => {
    // Act: moved to 10 March, then held then.
    const moved = await call<ReviewRecord>('POST', '/v1/accounts/hooli/reviews/cadence.acr.20260201', {
      outcome: 'rescheduled',
      startsAt: '2026-03-10T09:00:00Z',
      by: 'Casey Morgan',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'scheduled',
      startsAt: '2026-03-10T09:00:00Z',
      rescheduledFrom: ['2026-02-02T09:00:00.000Z'],
    });
    const upcoming = await call<Page>('GET', '/v1/reviews?due=45d', undefined, READ);
    expect(upcoming.body.reviews.map((r) => `${r.standing} ${r.accountId}`)).toEqual([
      'upcoming hooli',
      'planned globex',
    ]);
    clock.set('2026-03-10T11:00:00Z');
    const held = await call<ReviewRecord>('POST', '/v1/accounts/hooli/reviews/cadence.acr.20260201', {
      outcome: 'held',
      by: 'Casey Morgan',
      note: 'Sponsor and two admins; success plan renewed',
    });
    // Assess
    expect(held.status).toBe(200);
    expect(await getReview(db, 'hooli', 'cadence.acr.20260201')).toMatchObject({
      status: 'held',
      outcomeAt: '2026-03-10T11:00:00.000Z',
      outcomeBy: 'Casey Morgan',
    });
    const timeline = await readTimeline(db, 'hooli');
    expect(timeline.filter((e) => e.action.startsWith('review_')).map((e) => e.action)).toEqual([
      'review_rescheduled',
      'review_held',
    ]);
    const after = await call<Page>('GET', '/v1/reviews?due=45d', undefined, READ);
    expect(after.body.reviews.map((r) => r.accountId)).toEqual(['globex']);
  });

  it('takes held and missed from meeting_held / meeting_missed signals that name the review', async () => {
    // Prepare: besides the overdue ACR of 2 February, a mid-year check held on 25 February awaits its outcome.
    await createReview(db, {
      ...overdueReview,
      reviewId: 'cadence.mid_year.20260225',
      reviewKind: 'health_check',
      startsAt: '2026-02-25T09:00:00.000Z',
      programme: 'mid_year',
    });
    const meeting = (id: string, type: string, occurredAt: string, reviewId: string) => ({
      id,
      accountId: 'hooli',
      type,
      occurredAt,
      attributes: { reviewId },
    });
    // Act
    const sent = await call<{ accepted: number }>('POST', '/v1/signals', {
      signals: [
        meeting('m-1', 'meeting_held', '2026-02-02T10:00:00Z', 'cadence.acr.20260201'),
        meeting('m-2', 'meeting_missed', '2026-02-25T09:30:00Z', 'cadence.mid_year.20260225'),
      ],
    });
    // Assess: each review has its outcome; the missed one, the latest, is now the overdue one.
    expect(sent.status).toBe(202);
    expect(await getReview(db, 'hooli', 'cadence.acr.20260201')).toMatchObject({
      status: 'held',
      outcomeAt: '2026-02-02T10:00:00.000Z',
    });
    expect(await getReview(db, 'hooli', 'cadence.mid_year.20260225')).toMatchObject({ status: 'missed' });
    const due = await call<Page>('GET', '/v1/reviews?due=45d', undefined, READ);
    expect(due.body.reviews.map((r) => `${r.standing} ${r.accountId} ${r.reviewId}`)).toEqual([
      'overdue hooli cadence.mid_year.20260225',
      'planned globex null',
    ]);
  });

  it('answers 400 naming the field for an unknown outcome, 404 for an unknown review, 403 for a read key', async () => {
    const bad = await call<Page>('POST', '/v1/accounts/hooli/reviews/cadence.acr.20260201', {
      outcome: 'postponed',
      by: 'Casey',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(['outcome']);
    const noStart = await call<Page>('POST', '/v1/accounts/hooli/reviews/cadence.acr.20260201', {
      outcome: 'rescheduled',
      by: 'Casey',
    });
    expect(noStart.body.errors?.map((e) => e.path)).toEqual(['startsAt']);
    const unknown = await call('POST', '/v1/accounts/hooli/reviews/nope', { outcome: 'held', by: 'Casey' });
    expect(unknown.status).toBe(404);
    const readOnly = await call(
      'POST',
      '/v1/accounts/hooli/reviews/cadence.acr.20260201',
      { outcome: 'missed', by: 'Casey' },
      READ,
    );
    expect(readOnly.status).toBe(403);
    expect(await getReview(db, 'hooli', 'cadence.acr.20260201')).toEqual(overdueReview);
  });
});

describe("churnguard account <id>: the account's reviews", () => {
  beforeAll(setUp);
  afterAll(() => api.close());

  it('shows the overdue review, the booked one and the planned programme review with its invitation day', async () => {
    // Prepare: besides the overdue ACR, a health check booked for 20 March; the mid-year check of 1 August (a
    // Saturday: proposed for Monday 3 August) is planned, invitations on 18 July; the ACR of February 2027 is beyond
    // 180 days.
    await createReview(db, {
      ...overdueReview,
      reviewId: 'T-90-2027-06-01',
      reviewKind: 'health_check',
      startsAt: '2026-03-20T15:00:00.000Z',
      programme: undefined,
    });
    // Act
    const { code, output } = await churnguardAt(api.base, READ)('account', 'hooli');
    // Assess
    expect(code, output).toBe(0);
    expect(output).toContain(
      [
        'Reviews    next 180 days:',
        '  - 2026-02-02 annual customer review (acr): OVERDUE (missed, or no outcome recorded)',
        '  - 2026-03-20 health check: booked, invitations sent',
        '  - 2026-08-03 health check (mid_year): planned, invitations 2026-07-18',
        'Checkpoints',
      ].join('\n'),
    );
    // One account's reviews over the API; an unknown account is a 404, a malformed id a 400 naming it.
    const one = await call<Page>('GET', '/v1/reviews?account=globex&due=180d', undefined, READ);
    // (the programme's next review of each entry: the EBRs of its 2024 go-live are past)
    expect(
      one.body.reviews.map((r) => `${r.accountId} ${r.standing} ${r.programme} ${r.startsAt.slice(0, 10)}`),
    ).toEqual(['globex planned health_check 2026-04-01']);
    expect((await call('GET', '/v1/reviews?account=nope', undefined, READ)).status).toBe(404);
    const bad = await call<Page>('GET', '/v1/reviews?account=a%23b', undefined, READ);
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(['account']);
  }, 60_000);
});
