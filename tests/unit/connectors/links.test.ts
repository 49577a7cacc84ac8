import { describe, expect, it } from 'vitest';
import { segmentUserLinks, stripeCustomerLink, zendeskLinks } from '#core/connectors/links';
import type { AccountPatch } from '#core/connectors/shared';
import type { SignalInput } from '#core/signals';

const signal = (over: Partial<SignalInput>): SignalInput => ({
  id: 's',
  accountId: 'initech',
  type: 'activity',
  occurredAt: '2026-03-01T00:00:00.000Z',
  ...over,
});

describe('links learned from webhooks', () => {
  it('turns Segment group links into segment_user links', () => {
    expect(
      segmentUserLinks([
        { userId: 'u1', accountId: 'initech', linkedAt: '2026-03-01T00:00:00Z', sourceRef: 'segment:m1' },
      ]),
    ).toEqual([
      {
        kind: 'segment_user',
        key: 'u1',
        accountId: 'initech',
        at: '2026-03-01T00:00:00Z',
        sourceRef: 'segment:m1',
      },
    ]);
  });

  it("learns a Stripe customer's account from the event's directly bound records, at the event's time", () => {
    const body = { id: 'evt_1', created: 1772442000, data: { object: { customer: { id: 'cus_1' } } } };
    const patch: AccountPatch = {
      accountId: 'initech',
      source: 'stripe',
      sourceRef: 'stripe:subscription:sub_1',
      eventId: 'evt_1',
      observedAt: '2026-03-02T09:00:00.000Z',
      status: 'active',
    };
    expect(stripeCustomerLink(body, { signals: [], accountPatches: [patch] })).toEqual({
      kind: 'stripe_customer',
      key: 'cus_1',
      accountId: 'initech',
      at: '2026-03-02T09:00:00.000Z',
      sourceRef: 'stripe:evt_1',
    });
  });

  it('learns nothing from a Stripe event whose records disagree on the account, or bind none', () => {
    const body = { id: 'evt_1', created: 1772442000, data: { object: { customer: 'cus_1' } } };
    expect(
      stripeCustomerLink(body, {
        signals: [signal({}), signal({ accountId: 'globex' })],
        accountPatches: [],
      }),
    ).toBeUndefined();
    expect(stripeCustomerLink(body, { signals: [], accountPatches: [] })).toBeUndefined();
  });

  it('links Zendesk tickets, and their organizations when the body names them, to the bound account', () => {
    const body = { tickets: [{ id: 7, organization_id: 42 }, { id: 8 }] };
    const links = zendeskLinks(body, [
      signal({
        id: 'zendesk:ticket:7:opened',
        occurredAt: '2026-03-01T00:00:00.000Z',
        attributes: { ticketId: '7' },
      }),
      signal({
        id: 'zendesk:ticket:7:closed',
        occurredAt: '2026-03-02T00:00:00.000Z',
        attributes: { ticketId: '7' },
      }),
      signal({ id: 'zendesk:ticket:8:opened', attributes: { ticketId: '8' } }),
      signal({ id: 'survey:x:y', attributes: { ticketId: '9' } }),
    ]);
    expect(links.map((l) => [l.kind, l.key, l.at])).toEqual([
      ['zendesk_ticket', '7', '2026-03-02T00:00:00.000Z'],
      ['zendesk_organization', '42', '2026-03-02T00:00:00.000Z'],
      ['zendesk_ticket', '8', '2026-03-01T00:00:00.000Z'],
    ]);
  });
});
