import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { mapZendeskBody } from '#core/connectors/zendesk';
import { corpus, hasCorpora } from './fixtures.ts';

/** The cassettes are lists of recorded API responses: `[{ method, path, status, body }]`. */
const responses = (file: string) =>
  z
    .array(z.looseObject({ path: z.string(), body: z.record(z.string(), z.unknown()) }))
    .parse(corpus('zendesk', file));
const bodyAt = (file: string, path: string) => responses(file).find((r) => r.path === path)?.body ?? {};

const ticketShape = z.looseObject({
  id: z.number(),
  status: z.string(),
  priority: z.string().nullable(),
  type: z.string().nullable(),
  organization_id: z.number().nullable(),
  created_at: z.string(),
});
const ratingShape = z.looseObject({
  id: z.number(),
  ticket_id: z.number(),
  score: z.string(),
  comment: z.string().nullable(),
  updated_at: z.string(),
});

/** Organizations as the account ids a CS team would give them: the organization name in lower case. */
function organizationMapping() {
  const { organizations } = z
    .looseObject({ organizations: z.array(z.looseObject({ id: z.number(), name: z.string() })) })
    .parse(bodyAt('organizations.json', '/api/v2/organizations'));
  const map = Object.fromEntries(organizations.map((o) => [String(o.id), o.name.toLowerCase()]));
  return connectorMappingSchema.parse({ zendesk: { organizations: map } });
}

describe.skipIf(!hasCorpora)(
  'Zendesk API tickets and ratings (skipped where ../shared/corpora is absent)',
  () => {
    it('maps every listed ticket of a mapped organization to ticket_opened, and ignores the rest with a reason', () => {
      const mapping = organizationMapping();
      const body = bodyAt('tickets_list.json', '/api/v2/tickets');
      const tickets = z.object({ tickets: z.array(ticketShape) }).parse({ tickets: body.tickets }).tickets;
      const withOrg = tickets.filter((t) => t.organization_id !== null);
      const result = mapZendeskBody(body, mapping);

      // None of the 100 tickets is solved or closed, and every satisfaction rating is unoffered.
      expect(tickets.every((t) => ['new', 'open', 'pending', 'hold'].includes(t.status))).toBe(true);
      expect(result.signals).toEqual(
        withOrg.map((t) => ({
          id: `zendesk:ticket:${t.id}:opened`,
          accountId: 'smersh',
          type: 'ticket_opened',
          occurredAt: new Date(t.created_at).toISOString(),
          attributes: {
            ticketId: String(t.id),
            ...(t.priority ? { priority: t.priority } : {}),
            ...(t.type ? { ticketType: t.type } : {}),
          },
        })),
      );
      expect(result.ignored).toEqual(
        tickets
          .filter((t) => t.organization_id === null)
          .map((t) => ({
            ref: `zendesk:ticket:${t.id}:opened`,
            reason: 'ticket has no organization and no requester email',
          })),
      );
      expect([result.signals.length, result.ignored.length]).toEqual([27, 73]);
    });

    it('keeps the high priority of ticket 1 (pending, Smersh)', () => {
      const single = bodyAt('tickets_list.json', '/api/v2/tickets/1');
      expect(mapZendeskBody(single, organizationMapping()).signals).toEqual([
        {
          id: 'zendesk:ticket:1:opened',
          accountId: 'smersh',
          type: 'ticket_opened',
          occurredAt: '2012-09-06T20:15:09.000Z',
          attributes: { ticketId: '1', priority: 'high', ticketType: 'incident' },
        },
      ]);
    });

    it('ignores the updated ticket 8868, which has no organization', () => {
      const update = bodyAt('ticket_update.json', '/api/v2/tickets/8868.json');
      expect(mapZendeskBody(update, organizationMapping()).ignored).toEqual([
        { ref: 'zendesk:ticket:8868:opened', reason: 'ticket has no organization and no requester email' },
      ]);
    });

    it('maps good ratings to csat 5 held for a ticket lookup, and ignores offered ones', () => {
      const body = bodyAt('satisfaction_ratings.json', '/api/v2/satisfaction_ratings');
      const ratings = z.array(ratingShape).parse(body.satisfaction_ratings);
      const result = mapZendeskBody(body, organizationMapping());
      const given = ratings.filter((r) => r.score === 'good' || r.score === 'bad');
      expect(result.signals).toEqual([]);
      expect(result.needsAccount).toEqual(
        given.map((r) => ({
          kind: 'signal',
          needsAccountFor: { kind: 'zendesk_ticket', key: String(r.ticket_id) },
          signal: {
            id: `zendesk:ticket:${r.ticket_id}:csat:${r.score}`,
            type: 'csat',
            value: r.score === 'good' ? 5 : 1,
            occurredAt: new Date(r.updated_at).toISOString(),
            attributes: {
              ticketId: String(r.ticket_id),
              rating: r.score,
              ...(r.comment ? { comment: r.comment } : {}),
            },
          },
        })),
      );
      expect(result.ignored).toEqual(
        ratings
          .filter((r) => r.score === 'offered' || r.score === 'unoffered')
          .map((r) => ({
            ref: `zendesk:satisfaction:${r.id}`,
            reason: `satisfaction rating "${r.score}" carries no score`,
          })),
      );
      expect([given.length, result.ignored.length]).toEqual([1, 64]);
    });

    it('gives the single-rating response the same signal id as the list, so they de-duplicate', () => {
      const list = mapZendeskBody(
        bodyAt('satisfaction_ratings.json', '/api/v2/satisfaction_ratings'),
        organizationMapping(),
      );
      const one = mapZendeskBody(
        bodyAt('satisfaction_ratings.json', '/api/v2/satisfaction_ratings/20001907'),
        organizationMapping(),
      );
      expect(one.needsAccount).toEqual(list.needsAccount);
    });
  },
);
