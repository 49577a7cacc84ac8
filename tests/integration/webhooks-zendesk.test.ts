import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readDaySignals, readRollups, readTickets } from '#store/signal-store';
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

const milton = {
  id: 'initech-milton',
  email: 'Milton@Example.com',
  name: 'Milton Waddams',
  role: 'user',
  timezone: 'America/Chicago',
} as const;

let db: Db;
let post: ReturnType<typeof webhookClient>;

beforeAll(async () => {
  db = await createTestDb();
  const initech = account('initech');
  await upsertAccount(db, { ...initech, contacts: [...initech.contacts, milton] }, NOW);
  post = webhookClient(webhookDeps(db));
});

const deliver = (body: string, at: Date = NOW) => post('zendesk', body, sign.zendesk(body, at));

describe('POST /v1/webhooks/zendesk', () => {
  const ticket = fixtureText('zendesk-ticket-webhook.json');

  it('stores a solved urgent ticket as opened, closed and rated, with its rollups and ticket state', async () => {
    const response = await deliver(ticket);

    expect(response.status).toBe(200);
    // The ticket and its organization are remembered, for ratings and tickets that name only those.
    expect(countsOf(response.outcome())).toEqual(counts({ accepted: 3, links: 2 }));
    const [opened] = await readRollups(db, 'initech', '2026-03-01', '2026-03-01');
    const [closed] = await readRollups(db, 'initech', '2026-03-02', '2026-03-02');
    expect(opened).toMatchObject({ ticketsOpened: [{ ticketId: '4211', priority: 'urgent' }] });
    // Zendesk's "bad" rating sits at the bottom of the 1-5 CSAT scale.
    expect(closed).toMatchObject({
      ticketsClosed: ['4211'],
      sums: { csat: 1 },
      counts: { csat: 1, ticket_closed: 1 },
    });
    expect(await readTickets(db, 'initech')).toMatchObject([
      {
        ticketId: '4211',
        priority: 'urgent',
        openedAt: '2026-03-01T08:15:00.000Z',
        closedAt: '2026-03-02T16:40:00.000Z',
      },
    ]);
  });

  it('answers the trigger firing again with duplicates, changing no data', async () => {
    const before = await dumpTable(db, dataItems);
    const response = await deliver(ticket, new Date(NOW.getTime() + 60_000));
    expect(countsOf(response.outcome())).toEqual(counts({ duplicates: 3 }));
    expect(await dumpTable(db, dataItems)).toEqual(before);
  });

  it("finds a rating's account by the requester's email among the account's contacts", async () => {
    const rating = fixtureText('zendesk-rating-webhook.json');
    const response = await deliver(rating);
    expect(countsOf(response.outcome())).toEqual(counts({ accepted: 1, links: 1, lookups: { resolved: 1 } }));
    expect(await readDaySignals(db, 'initech', '2026-03-03')).toMatchObject([
      { id: 'zendesk:ticket:4212:csat:good', type: 'csat', value: 5 },
    ]);
  });

  it('finds a rating that names only its ticket through the ticket an earlier webhook stored', async () => {
    const rating = JSON.stringify({
      satisfaction_rating: { ticket_id: '4211', score: 'good', updated_at: '2026-03-04T09:00:00Z' },
    });
    const response = await deliver(rating);
    // The ticket's link is refreshed with the newer evidence (same account).
    expect(countsOf(response.outcome())).toEqual(counts({ accepted: 1, links: 1, lookups: { resolved: 1 } }));
    expect(await readDaySignals(db, 'initech', '2026-03-04')).toMatchObject([
      { id: 'zendesk:ticket:4211:csat:good', accountId: 'initech', value: 5 },
    ]);
  });

  it('refuses a stale timestamp, a wrong secret and missing headers with 401 and the reason', async () => {
    const before = await dumpTable(db);
    const stale = await deliver(ticket, new Date(NOW.getTime() - 10 * 60_000));
    const foreign = await post('zendesk', ticket, sign.zendesk(ticket, NOW, 'not-the-secret'));
    const { 'X-Zendesk-Webhook-Signature': signature } = sign.zendesk(ticket);
    const noTimestamp = await post('zendesk', ticket, { 'X-Zendesk-Webhook-Signature': signature });
    expect([stale.status, foreign.status, noTimestamp.status]).toEqual([401, 401, 401]);
    expect(stale.message()).toBe('signature refused: timestamp is more than 300 seconds from now');
    expect(noTimestamp.message()).toBe(
      'signature refused: missing X-Zendesk-Webhook-Signature-Timestamp header',
    );
    expect(await dumpTable(db)).toEqual(before);
  });

  it('acknowledges a deleted ticket with 200, ignored with its status', async () => {
    const deleted = JSON.stringify({
      ticket: {
        id: '4299',
        status: 'Deleted',
        organization_external_id: 'initech',
        created_at: '2026-03-05T10:00Z',
      },
    });
    const outcome = (await deliver(deleted)).outcome();
    expect(countsOf(outcome)).toEqual(counts({ ignored: 1 }));
    expect(outcome.ignoredRecords).toEqual([
      { ref: 'zendesk:ticket:4299', reason: 'ticket 4299 has status "deleted"' },
    ]);
  });

  it('answers 400 to a body that is neither a ticket nor a rating', async () => {
    const response = await deliver(JSON.stringify({ user: { id: 1 } }));
    expect(response.status).toBe(400);
    expect(response.message()).toMatch(/^expected \{ ticket \}/);
  });
});

describe.skipIf(!hasCorpora)(
  "Zendesk's API responses (zendesk_api_client_rb cassettes), end to end (skipped where ../shared/corpora is absent)",
  () => {
    let corpusDb: Db;
    let send: ReturnType<typeof webhookClient>;
    const responses = (file: string) =>
      z.array(z.looseObject({ path: z.string(), body: z.unknown() })).parse(corpusJson('zendesk', file));
    const bodyAt = (file: string, path: string) =>
      JSON.stringify(responses(file).find((r) => r.path === path)?.body ?? {});
    const deliverText = (text: string) => send('zendesk', text, sign.zendesk(text));

    beforeAll(async () => {
      corpusDb = await createTestDb();
      await upsertAccount(corpusDb, account('smersh'), NOW);
      // Organization 20012227 is "Smersh" in organizations.json.
      send = webhookClient(webhookDeps(corpusDb, { zendesk: { organizations: { '20012227': 'smersh' } } }));
    });

    it('stores the listed tickets of the mapped organization and ignores those without one', async () => {
      const page = bodyAt('tickets_list.json', '/api/v2/tickets');
      const tickets = z
        .object({
          tickets: z.array(z.looseObject({ id: z.number(), organization_id: z.number().nullable() })),
        })
        .parse(JSON.parse(page)).tickets;
      const withOrganization = tickets.filter((t) => t.organization_id === 20012227).length;
      const outcome = (await deliverText(page)).outcome();
      expect(withOrganization).toBeGreaterThan(0);
      expect(countsOf(outcome)).toEqual(
        counts({
          accepted: withOrganization,
          ignored: tickets.length - withOrganization,
          // One link per ticket, and one for the organization.
          links: withOrganization + 1,
        }),
      );
    });

    it('parks the vendor rating of ticket 35 until a webhook for ticket 35 names its organization', async () => {
      const rating = bodyAt('satisfaction_ratings.json', '/api/v2/satisfaction_ratings/20001907');
      const parked = (await deliverText(rating)).outcome();
      expect(countsOf(parked)).toEqual(counts({ lookups: { parked: 1 } }));
      expect(parked.unresolved.map((u) => [u.kind, u.key])).toEqual([['zendesk_ticket', '35']]);

      const ticket35 = JSON.stringify({
        ticket: { id: 35, status: 'open', organization_id: 20012227, created_at: '2012-09-07T18:00:00Z' },
      });
      const released = (await deliverText(ticket35)).outcome();
      expect(countsOf(released)).toEqual(counts({ accepted: 2, links: 1, lookups: { released: 1 } }));
      expect(await readDaySignals(corpusDb, 'smersh', '2012-09-07')).toMatchObject([
        {
          id: 'zendesk:ticket:35:csat:good',
          type: 'csat',
          value: 5,
          attributes: { comment: 'Satisfaction!' },
        },
        { id: 'zendesk:ticket:35:opened', type: 'ticket_opened' },
      ]);
    });
  },
);
