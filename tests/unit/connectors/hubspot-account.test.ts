import { describe, expect, it } from 'vitest';
import { draftHubspotAccount } from '#core/connectors/hubspot-account';
import { emptyHeld, type HeldEvent, type HeldObject, withHeldEvent } from '#core/connectors/hubspot-contact';
import { connectorMappingSchema } from '#core/connectors/mapping';

const mapping = connectorMappingSchema.parse({
  hubspot: { owners: { '31337': { name: 'Dana Park', email: 'dana@vendor.example' } } },
}).hubspot;

let eventId = 0;
function held(objectType: HeldObject['objectType'], objectId: string, values: Record<string, string>) {
  let record = emptyHeld(objectType, objectId);
  for (const [field, value] of Object.entries(values)) {
    eventId += 1;
    const event = {
      objectType,
      objectId,
      eventId: String(eventId),
      observedAt: '2026-06-01T11:00:00.000Z',
      kind: 'property',
      field,
      value,
    } as HeldEvent;
    record = withHeldEvent(record, event).held;
  }
  return record;
}

const company = held('company', '6001', { name: 'Hooli', region: 'EMEA', owner: '31337' });
const deal = (id: string, values: Record<string, string>) => held('deal', id, { company: '6001', ...values });

describe('an account drafted from a held HubSpot company and its deals', () => {
  it('takes the deal renewing last, starts the contract contractMonths before it, and names the deal', () => {
    const drafted = draftHubspotAccount(
      '6001',
      company,
      [
        deal('9001', { renewalDate: '2026-09-30', amount: '10000' }),
        deal('9002', { renewalDate: '2027-02-28', amount: '24000', currency: 'EUR' }),
        deal('9003', { renewalDate: '2028-01-01' }),
      ],
      mapping,
    );
    expect(drafted).toMatchObject({
      dealId: '9002',
      account: {
        id: '6001',
        name: 'Hooli',
        region: 'EMEA',
        arr: 24000,
        currency: 'EUR',
        goLiveDate: '2026-02-28',
        csm: { email: 'dana@vendor.example' },
        contract: { startDate: '2026-02-28', renewalDate: '2027-02-28', arr: 24000 },
        externalIds: [{ kind: 'hubspot_deal', id: '9002' }],
      },
    });
    // The events the account was made of, to be recorded as applied (so their replays are not newer).
    if (!('account' in drafted)) throw new Error('expected an account');
    expect(drafted.patches.map((p) => p.sourceRef)).toEqual([
      'hubspot:deal:9002:renewal',
      'hubspot:deal:9002:amount',
    ]);
    expect(drafted.profileChanges.map((c) => c.field)).toEqual(['name', 'region', 'csm']);
  });

  it('says what it waits for: each company property, a mapped owner, a usable deal', () => {
    const complete = [deal('9001', { renewalDate: '2027-01-01', amount: '1' })];
    const waitingFor = (c: HeldObject, deals = complete) => draftHubspotAccount('6001', c, deals, mapping);
    expect(waitingFor(held('company', '6001', { region: 'EMEA', owner: '31337' }))).toEqual({
      waiting: 'no name yet',
    });
    expect(waitingFor(held('company', '6001', { name: 'Hooli', owner: '31337' }))).toEqual({
      waiting: 'no churnguard_region yet',
    });
    expect(waitingFor(held('company', '6001', { name: 'Hooli', region: 'EMEA' }))).toEqual({
      waiting: 'no hubspot_owner_id yet',
    });
    expect(waitingFor(held('company', '6001', { name: 'Hooli', region: 'EMEA', owner: '1' }))).toEqual({
      waiting: 'owner "1" is not in hubspot.owners',
    });
    const noDeal = { waiting: 'no deal of this company has a renewal date and an amount yet' };
    expect(waitingFor(company, [])).toEqual(noDeal);
    // A lost deal, a deal of another company and a deal without an amount make no contract.
    expect(
      waitingFor(company, [
        deal('9001', { renewalDate: '2027-01-01', amount: '1', stage: 'closedlost' }),
        held('deal', '9002', { company: '7000', renewalDate: '2027-01-01', amount: '1' }),
        deal('9003', { renewalDate: '2027-01-01' }),
      ]),
    ).toEqual(noDeal);
  });
});
