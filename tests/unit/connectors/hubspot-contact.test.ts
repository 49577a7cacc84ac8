import { describe, expect, it } from 'vitest';
import { mapHubspotEvents } from '#core/connectors/hubspot';
import {
  contactPlacement,
  emptyHeld,
  type HeldEvent,
  type HeldObject,
  withHeldEvent,
} from '#core/connectors/hubspot-contact';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';

/**
 * HubSpot contact webhooks as documented (developers.hubspot.com/docs/api/webhooks, "Webhook payloads"): thin
 * events naming one contact and, for a property change, one property and its new value.
 */
const AT = Date.parse('2026-05-30T09:00:00Z');
const contactEvent = (
  eventId: number,
  change: { propertyName: string; propertyValue: string } | { subscriptionType: string },
  objectId = 1246965,
  occurredAt = AT,
) => ({
  eventId,
  subscriptionId: 2104,
  portalId: 62515,
  appId: 54321,
  occurredAt,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId,
  changeSource: 'CRM_UI',
  ...change,
});
const property = (propertyName: string, propertyValue: string) => ({ propertyName, propertyValue });

const heldOf = (events: HeldEvent[]): HeldObject =>
  events.reduce((held, event) => withHeldEvent(held, event).held, emptyHeld('contact', '1246965'));

describe('HubSpot contact events: mapping', () => {
  it('maps email, names, role and company to held properties, the company resolved to its account', () => {
    const mapping = connectorMappingSchema.parse({ hubspot: { companies: { '5001': 'initrode' } } });
    const result = mapHubspotEvents(
      [
        contactEvent(1, { subscriptionType: 'contact.creation' }),
        contactEvent(2, property('email', 'Nora@Initrode.example')),
        contactEvent(3, property('firstname', 'Nora')),
        contactEvent(4, property('lastname', 'Quist')),
        contactEvent(5, property('jobtitle', 'VP Operations')),
        contactEvent(6, property('associatedcompanyid', '5001')),
        contactEvent(7, { subscriptionType: 'contact.deletion' }),
        { ...contactEvent(8, { subscriptionType: 'company.creation' }), objectId: 5009 },
      ],
      mapping,
    );
    expect(result.rejected).toBeUndefined();
    const common = { objectType: 'contact', objectId: '1246965', observedAt: '2026-05-30T09:00:00.000Z' };
    expect(result.heldEvents).toEqual([
      { ...common, eventId: '1', kind: 'created' },
      { ...common, eventId: '2', kind: 'property', field: 'email', value: 'Nora@Initrode.example' },
      { ...common, eventId: '3', kind: 'property', field: 'firstName', value: 'Nora' },
      { ...common, eventId: '4', kind: 'property', field: 'lastName', value: 'Quist' },
      { ...common, eventId: '5', kind: 'property', field: 'role', value: 'user' },
      { ...common, eventId: '6', kind: 'property', field: 'account', value: 'initrode' },
      { ...common, eventId: '7', kind: 'deleted' },
      { ...common, objectType: 'company', objectId: '5009', eventId: '8', kind: 'created' },
    ]);
  });

  it('reads the role property the mapping names, through contactRoles or a role of the same name', () => {
    const mapping = connectorMappingSchema.parse({
      hubspot: {
        contactProperties: { role: 'churnguard_role' },
        contactRoles: { 'Exec sponsor': 'sponsor' },
      },
    });
    const roles = mapHubspotEvents(
      [
        contactEvent(1, property('churnguard_role', 'Exec sponsor')),
        contactEvent(2, property('churnguard_role', 'Champion')),
        contactEvent(3, property('churnguard_role', 'Intern')),
        contactEvent(4, property('jobtitle', 'CTO')),
      ],
      mapping,
    );
    expect(roles.heldEvents?.map((e) => ('value' in e ? e.value : e.kind))).toEqual([
      'sponsor',
      'champion',
      'user',
    ]);
    expect(roles.ignored).toEqual([
      { ref: 'hubspot:event:4', reason: 'contact property jobtitle is not mapped' },
    ]);
  });

  it('rejects an empty or unreadable email or company, naming the event, and a contact event without its id', () => {
    const result = mapHubspotEvents(
      [
        contactEvent(1, property('email', '')),
        contactEvent(2, property('email', 'not an address')),
        contactEvent(3, property('associatedcompanyid', '')),
        { ...contactEvent(4, { subscriptionType: 'contact.creation' }), objectId: undefined },
      ],
      defaultConnectorMapping,
    );
    expect(result.heldEvents).toBeUndefined();
    expect(result.rejected?.errors).toEqual([
      { path: '[0].propertyValue', message: 'email must be an email address' },
      { path: '[1].propertyValue', message: 'email must be an email address' },
      { path: '[2].propertyValue', message: 'associatedcompanyid must be a HubSpot company id' },
      { path: '[3].objectId', message: 'a contact.creation names its object' },
    ]);
  });

  it('sets aside a company that has no account under the mapping, saying why', () => {
    const mapping = connectorMappingSchema.parse({ hubspot: { companyIdIsAccountId: false } });
    const result = mapHubspotEvents([contactEvent(1, property('associatedcompanyid', '5001'))], mapping);
    expect(result.ignored).toEqual([
      {
        ref: 'hubspot:event:1',
        reason: 'company 5001 is not in hubspot.companies (companyIdIsAccountId is off)',
      },
    ]);
  });
});

describe('HubSpot held contacts: newer wins, placed once email and company are known', () => {
  const at = (ms: number) => new Date(AT + ms).toISOString();
  const set = (eventId: string, field: 'email' | 'firstName' | 'account', value: string | null, ms = 0) =>
    ({
      objectType: 'contact',
      objectId: '1246965',
      eventId,
      observedAt: at(ms),
      kind: 'property',
      field,
      value,
    }) satisfies HeldEvent;

  it('waits for an email and a company, then places the contact (named by its email without a name)', () => {
    expect(contactPlacement(heldOf([]))).toEqual({ waiting: 'no email yet' });
    expect(contactPlacement(heldOf([set('1', 'email', 'nora@initrode.example')]))).toEqual({
      waiting: 'no company yet',
    });
    expect(
      contactPlacement(heldOf([set('1', 'email', 'nora@initrode.example'), set('2', 'account', 'initrode')])),
    ).toEqual({
      accountId: 'initrode',
      contact: {
        id: '1246965',
        email: 'nora@initrode.example',
        name: 'nora@initrode.example',
        role: 'user',
        timezone: 'UTC',
      },
    });
  });

  it('keeps the newer value per property whatever the delivery order, and an equal time to the larger event id', () => {
    const newer = set('2', 'firstName', 'Nora', 1000);
    const older = set('1', 'firstName', 'Norah', 0);
    const inOrder = heldOf([older, newer]);
    const reversed = heldOf([newer, older]);
    expect(inOrder).toEqual(reversed);
    expect(inOrder.fields.firstName?.value).toBe('Nora');
    expect(withHeldEvent(inOrder, newer).changed).toBe(false);
    expect(withHeldEvent(inOrder, set('3', 'firstName', 'N.', 1000)).held.fields.firstName?.value).toBe('N.');
  });

  it('takes a deleted contact off its account, whatever arrives after', () => {
    const deleted = heldOf([
      set('1', 'email', 'nora@initrode.example'),
      set('2', 'account', 'initrode'),
      { objectType: 'contact', objectId: '1246965', eventId: '3', observedAt: at(1000), kind: 'deleted' },
      set('4', 'firstName', 'Nora', 2000),
    ]);
    expect(contactPlacement(deleted)).toEqual({ waiting: 'deleted in HubSpot' });
  });
});
