import type { AccountInput } from '#core/accounts';

/**
 * A change of one profile field of an account, told by the CRM (a HubSpot company's name, region or owner). Like
 * a contract patch it carries the vendor event that said it (`eventId`, `observedAt`), and applies only if newer
 * than the last change applied to that field (connectors' isNewerPatch), so replays and late deliveries change
 * nothing.
 */
export type ProfileChange = {
  accountId: string;
  source: 'hubspot';
  eventId: string;
  observedAt: string;
} & (
  | { field: 'name'; value: string }
  | { field: 'region'; value: string }
  | { field: 'csm'; value: { name: string; email: string } }
);

/** The account with the change applied; everything else (contract, contacts) as it was. */
export function withProfileChange(account: AccountInput, change: ProfileChange): AccountInput {
  switch (change.field) {
    case 'name':
      return { ...account, name: change.value };
    case 'region':
      return { ...account, region: change.value };
    case 'csm':
      return { ...account, csm: change.value };
  }
}
