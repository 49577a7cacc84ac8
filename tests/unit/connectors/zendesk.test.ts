import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { mapZendeskBody, verifyZendeskSignature } from '#core/connectors/zendesk';
import { fixture, fixtureText } from './fixtures.ts';

describe('Zendesk webhook signature', () => {
  const body = fixtureText('zendesk-ticket-webhook.json');
  const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
  const timestamp = '2026-03-02T16:40:05Z';
  const now = new Date('2026-03-02T16:41:00Z');
  const sign = (key: string, at: string, text: string) =>
    createHmac('sha256', key)
      .update(at + text)
      .digest('base64');

  it('accepts base64(HMAC-SHA256(timestamp + body)) made with the signing secret', () => {
    expect(verifyZendeskSignature(body, sign(secret, timestamp, body), timestamp, secret, now)).toEqual({
      ok: true,
    });
  });

  it('refuses another secret, another timestamp and a changed body', () => {
    expect(verifyZendeskSignature(body, sign('other', timestamp, body), timestamp, secret, now).ok).toBe(
      false,
    );
    expect(
      verifyZendeskSignature(body, sign(secret, timestamp, body), '2026-03-02T16:40:06Z', secret, now).ok,
    ).toBe(false);
    expect(
      verifyZendeskSignature(`${body}\n`, sign(secret, timestamp, body), timestamp, secret, now).ok,
    ).toBe(false);
  });

  it('refuses a correctly signed request whose timestamp is stale', () => {
    const later = new Date('2026-03-02T16:50:00Z');
    expect(verifyZendeskSignature(body, sign(secret, timestamp, body), timestamp, secret, later)).toEqual({
      ok: false,
      reason: 'timestamp is more than 300 seconds from now',
    });
  });

  it('refuses requests missing either header', () => {
    expect(verifyZendeskSignature(body, undefined, timestamp, secret, now).ok).toBe(false);
    expect(verifyZendeskSignature(body, sign(secret, timestamp, body), undefined, secret, now).ok).toBe(
      false,
    );
  });

  it('reads both headers without the spaces around them, as HTTP defines a header value', () => {
    // Zendesk signs the timestamp itself; spaces a proxy leaves around a header value are not part of it.
    expect(
      verifyZendeskSignature(body, ` ${sign(secret, timestamp, body)} `, ` ${timestamp}\t`, secret, now),
    ).toEqual({ ok: true });
    expect(verifyZendeskSignature(body, sign(secret, timestamp, body), '   ', secret, now)).toEqual({
      ok: false,
      reason: 'missing X-Zendesk-Webhook-Signature-Timestamp header',
    });
  });
});

describe('Zendesk ticket trigger body (the documented template, as Zendesk renders it)', () => {
  const result = mapZendeskBody(fixture('zendesk-ticket-webhook.json'), defaultConnectorMapping);

  it('maps a solved ticket to ticket_opened at creation (priority kept) and ticket_closed at the update', () => {
    expect(result.signals.slice(0, 2)).toEqual([
      {
        id: 'zendesk:ticket:4211:opened',
        accountId: 'initech',
        type: 'ticket_opened',
        occurredAt: '2026-03-01T08:15:00.000Z',
        attributes: { ticketId: '4211', priority: 'urgent', ticketType: 'incident' },
      },
      {
        id: 'zendesk:ticket:4211:closed',
        accountId: 'initech',
        type: 'ticket_closed',
        occurredAt: '2026-03-02T16:40:00.000Z',
        attributes: { ticketId: '4211', status: 'solved' },
      },
    ]);
  });

  it('maps the bad satisfaction rating on the ticket to csat 1', () => {
    expect(result.signals[2]).toEqual({
      id: 'zendesk:ticket:4211:csat:bad',
      accountId: 'initech',
      type: 'csat',
      value: 1,
      occurredAt: '2026-03-02T16:40:00.000Z',
      attributes: { ticketId: '4211', rating: 'bad', comment: 'Took two days.' },
    });
  });

  it('prefers a mapped organization id over the external id', () => {
    const mapping = connectorMappingSchema.parse({
      zendesk: { organizations: { '360012345678': 'initech-emea' } },
    });
    const mapped = mapZendeskBody(fixture('zendesk-ticket-webhook.json'), mapping);
    expect(new Set(mapped.signals.map((s) => s.accountId))).toEqual(new Set(['initech-emea']));
  });

  it('uses the configured CSAT values for good and bad', () => {
    const mapping = connectorMappingSchema.parse({ zendesk: { satisfaction: { bad: 2 } } });
    const csat = mapZendeskBody(fixture('zendesk-ticket-webhook.json'), mapping).signals.find(
      (s) => s.type === 'csat',
    );
    expect(csat?.value).toBe(2);
  });
});

describe('Zendesk ticket statuses and fields', () => {
  const ticket = (fields: Record<string, unknown>) => ({
    ticket: { id: 7, organization_external_id: 'acme', created_at: '2026-03-01T08:00:00Z', ...fields },
  });

  it('emits only ticket_opened while a ticket is new, open, pending or on hold', () => {
    for (const status of ['new', 'Open', 'pending', 'On-hold', 'hold']) {
      const result = mapZendeskBody(ticket({ status, priority: 'High' }), defaultConnectorMapping);
      expect(result.signals.map((s) => s.type)).toEqual(['ticket_opened']);
    }
  });

  it('leaves out a priority that is unset or unknown (the rollup then counts it as normal)', () => {
    for (const priority of [null, '', '-', 'critical']) {
      const [opened] = mapZendeskBody(ticket({ status: 'open', priority }), defaultConnectorMapping).signals;
      expect(opened?.attributes).toEqual({ ticketId: '7' });
    }
  });

  it('ignores a deleted ticket with the reason', () => {
    expect(mapZendeskBody(ticket({ status: 'deleted' }), defaultConnectorMapping).ignored).toEqual([
      { ref: 'zendesk:ticket:7', reason: 'ticket 7 has status "deleted"' },
    ]);
  });

  it('holds a ticket whose organization is not mapped for an organization lookup', () => {
    const body = {
      ticket: { id: 8, status: 'open', organization_id: 99, created_at: '2026-03-01T08:00:00Z' },
    };
    expect(mapZendeskBody(body, defaultConnectorMapping).needsAccount).toMatchObject([
      { kind: 'signal', needsAccountFor: { kind: 'zendesk_organization', key: '99' } },
    ]);
  });

  it('rejects a body that is neither a ticket nor a rating', () => {
    expect(mapZendeskBody({ user: { id: 1 } }, defaultConnectorMapping).rejected).toBeDefined();
  });
});

describe('Zendesk satisfaction trigger body', () => {
  it('maps a good rating to csat 5, held for a contact lookup by requester email', () => {
    const result = mapZendeskBody(fixture('zendesk-rating-webhook.json'), defaultConnectorMapping);
    expect(result.needsAccount).toEqual([
      {
        kind: 'signal',
        needsAccountFor: { kind: 'contact_email', key: 'milton@example.com' },
        signal: {
          id: 'zendesk:ticket:4212:csat:good',
          type: 'csat',
          value: 5,
          occurredAt: '2026-03-03T10:00:00.000Z',
          attributes: { ticketId: '4212', rating: 'good' },
        },
      },
    ]);
  });

  it('ignores offered and unoffered ratings', () => {
    for (const score of ['offered', 'unoffered']) {
      const result = mapZendeskBody(
        { satisfaction_rating: { id: 1, ticket_id: 2, score } },
        defaultConnectorMapping,
      );
      expect(result.ignored).toEqual([
        { ref: 'zendesk:satisfaction:1', reason: `satisfaction rating "${score}" carries no score` },
      ]);
    }
  });
});
