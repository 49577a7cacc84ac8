import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readDaySignals, readRollups } from '#store/signal-store';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import {
  corpusJson,
  counts,
  countsOf,
  dataItems,
  fixtureText,
  hasCorpora,
  NOW,
  sign,
  webhookClient,
  webhookDeps,
} from '../support/webhooks.ts';

const GROUP = '0e8c78ea9d97a7b8185e8632';
const mapping = {
  segment: { track: { 'Report Created': { type: 'feature_used', feature: 'reports' } } },
} as const;

const message = z.looseObject({
  type: z.string(),
  messageId: z.string(),
  userId: z.string().optional(),
  event: z.string().optional(),
  timestamp: z.string().optional(),
  originalTimestamp: z.string().optional(),
});

let db: Db;
let post: ReturnType<typeof webhookClient>;

beforeAll(async () => {
  db = await createTestDb();
  await upsertAccount(db, account(GROUP), NOW);
  post = webhookClient(webhookDeps(db, mapping));
});

describe('POST /v1/webhooks/segment', () => {
  const body = fixtureText('segment-batch.json');

  it('stores a signed batch: the group call links the user, so identify, track and page all reach the account', async () => {
    const { batch } = z.object({ batch: z.array(message) }).parse(JSON.parse(body));
    // Expected independently of the connector: identify, track and page by the grouped user are stored; the
    // anonymous screen call, the alias and the repeated messageId are not.
    const stored = batch.filter((m) => ['identify', 'track', 'page'].includes(m.type)).slice(0, 3);

    const response = await post('segment', body, sign.segment(body));

    expect(response.status).toBe(200);
    const outcome = response.outcome();
    // The identify names no account: it is resolved through the link the group call just stored.
    expect(countsOf(outcome)).toEqual(
      counts({ accepted: 3, ignored: 3, lookups: { resolved: 1 }, links: 1 }),
    );
    expect(outcome.ignoredRecords.map((i) => i.reason)).toEqual([
      'anonymous message with no account: nothing to attribute it to',
      'alias calls are not mapped: churnguard keys users by userId',
      'repeats a messageId seen earlier in this body',
    ]);
    const signals = await readDaySignals(db, GROUP, '2026-03-02');
    expect(signals.map((s) => [s.id, s.type, s.userId]).sort()).toEqual(
      stored
        .map((m) => [
          `segment:${m.messageId}`,
          m.type === 'track' ? 'feature_used' : 'activity',
          '97980cfea0067',
        ])
        .sort(),
    );
    const [rollup] = await readRollups(db, GROUP, '2026-03-02', '2026-03-02');
    expect(rollup).toMatchObject({
      signalCount: 3,
      counts: { activity: 2, feature_used: 1 },
      features: ['reports'],
      activeUsers: ['97980cfea0067'],
    });
  });

  it('answers a replay with duplicates and leaves the data exactly as it was', async () => {
    const before = await dumpTable(db, dataItems);
    const response = await post('segment', body, sign.segment(body));
    expect(response.status).toBe(200);
    expect(countsOf(response.outcome())).toEqual(
      counts({ duplicates: 3, ignored: 3, lookups: { resolved: 1 } }),
    );
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it('parks a call from a user with no link yet, and releases it when a group call links the user', async () => {
    const track = fixtureText('segment-track.json');
    const first = await post('segment', track, sign.segment(track));
    expect(countsOf(first.outcome())).toEqual(counts({ lookups: { parked: 1 } }));
    expect(first.outcome().unresolved).toEqual([
      {
        kind: 'segment_user',
        key: 'AiUGstSDIg',
        ref: 'segment:ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
        reason: 'no account is known for segment_user "AiUGstSDIg"',
      },
    ]);
    const parked = await dumpTable(db, (item) => item.kind === 'parked');
    expect(parked).toHaveLength(1);

    const group = JSON.stringify({
      type: 'group',
      messageId: 'group-AiUGstSDIg',
      userId: 'AiUGstSDIg',
      groupId: GROUP,
      timestamp: '2015-12-12T19:12:00.000Z',
    });
    const second = await post('segment', group, sign.segment(group));

    expect(countsOf(second.outcome())).toEqual(counts({ accepted: 1, links: 1, lookups: { released: 1 } }));
    const signals = await readDaySignals(db, GROUP, '2015-12-12');
    expect(signals).toMatchObject([
      {
        id: 'segment:ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
        type: 'activity',
        occurredAt: '2015-12-12T19:11:01.249Z',
        attributes: { call: 'track', event: 'Course Clicked' },
      },
    ]);
    expect(await dumpTable(db, (item) => item.kind === 'parked')).toEqual([]);
  });

  it('refuses a wrong, a missing and a foreign signature with 401 and the reason, storing nothing', async () => {
    const before = await dumpTable(db);
    const wrong = await post('segment', body, { 'X-Signature': 'deadbeef' });
    const missing = await post('segment', body, {});
    const foreign = await post('segment', body, sign.segment(body, 'someone-elses-secret'));
    const tampered = await post('segment', body.replace('cohort', 'funnel'), sign.segment(body));
    expect([wrong.status, missing.status, foreign.status, tampered.status]).toEqual([401, 401, 401, 401]);
    expect(wrong.message()).toBe('signature refused: signature does not match');
    expect(missing.message()).toBe('signature refused: missing X-Signature header');
    expect(await dumpTable(db)).toEqual(before);
  });

  it('takes headers in any case, and a static credential (Basic with the secret as user name)', async () => {
    const one = JSON.stringify({
      type: 'page',
      messageId: 'page-case-1',
      userId: '97980cfea0067',
      name: 'Billing',
      timestamp: '2026-03-03T10:00:00Z',
    });
    const lower = await post('segment', one, { 'x-signature': sign.segment(one)['X-Signature'] });
    expect(countsOf(lower.outcome())).toEqual(counts({ accepted: 1, lookups: { resolved: 1 } }));

    const basic = `Basic ${Buffer.from('segment_shared_secret_for_tests:').toString('base64')}`;
    const replay = await post('segment', one, { Authorization: basic });
    expect(countsOf(replay.outcome())).toEqual(counts({ duplicates: 1, lookups: { resolved: 1 } }));
    const wrong = await post('segment', one, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('answers 400 to a signed body that is not JSON, or not a Segment message', async () => {
    const notJson = '{"batch": [';
    const notSegment = '"hello"';
    const a = await post('segment', notJson, sign.segment(notJson));
    const b = await post('segment', notSegment, sign.segment(notSegment));
    expect([a.status, b.status]).toEqual([400, 400]);
    expect(a.message()).toMatch(/^body is not valid JSON/);
    expect(b.message()).toBe('not a Segment message, batch or array of messages');
  });
});

describe.skipIf(!hasCorpora)(
  "Segment's own analytics-go batches, end to end (skipped where ../shared/corpora is absent)",
  () => {
    let corpusDb: Db;
    let send: ReturnType<typeof webhookClient>;
    const deliver = (file: string) => {
      const text = JSON.stringify(corpusJson('segment/analytics-go', file));
      return send('segment', text, sign.segment(text));
    };

    beforeAll(async () => {
      corpusDb = await createTestDb();
      // analytics-go's group fixture puts user "B" in group "A".
      await upsertAccount(corpusDb, account('A'), NOW);
      send = webhookClient(webhookDeps(corpusDb));
    });

    it("links user B to account A from the group batch, then stores B's identify under A", async () => {
      const group = await deliver('test-enqueue-group.json');
      expect(countsOf(group.outcome())).toEqual(counts({ links: 1 }));
      const identify = await deliver('test-enqueue-identify.json');
      expect(countsOf(identify.outcome())).toEqual(counts({ accepted: 1, lookups: { resolved: 1 } }));
      expect(await readDaySignals(corpusDb, 'A', '2009-11-10')).toMatchObject([
        { id: "segment:I'm unique", type: 'activity', userId: 'B', attributes: { call: 'identify' } },
      ]);
    });

    it('counts the page and screen batches, which reuse the messageId "I\'m unique", as duplicates', async () => {
      for (const file of ['test-enqueue-page.json', 'test-enqueue-screen.json']) {
        expect(countsOf((await deliver(file)).outcome()), file).toEqual(
          counts({ duplicates: 1, lookups: { resolved: 1 } }),
        );
      }
    });

    it('parks the tracks of user 123456, whom no group call names, until one does', async () => {
      for (const file of ['test-enqueue-track.json', 'test-messageid-track.json']) {
        expect(countsOf((await deliver(file)).outcome()), file).toEqual(counts({ lookups: { parked: 1 } }));
      }
      const group = JSON.stringify({
        batch: [{ type: 'group', messageId: 'g-123456', userId: '123456', groupId: 'A', timestamp: NOW }],
      });
      const released = await send('segment', group, sign.segment(group));
      // "I'm unique" is already stored for A that day (the identify); "abc" is new.
      expect(countsOf(released.outcome())).toEqual(
        counts({ accepted: 1, duplicates: 1, links: 1, lookups: { released: 2 } }),
      );
      expect((await readDaySignals(corpusDb, 'A', '2009-11-10')).map((s) => s.id).sort()).toEqual([
        "segment:I'm unique",
        'segment:abc',
      ]);
    });
  },
);
