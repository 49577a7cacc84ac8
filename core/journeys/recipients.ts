import type { PlayConfig } from '#config/journeys-schema';
import type { Account } from '#core/accounts';
import type { Recipient } from './messages.ts';

/** Who a play writes to: the contacts in its audience, or the account's CSM for a CSM notice. */
export function recipientsOf(account: Pick<Account, 'contacts' | 'csm'>, play: PlayConfig): Recipient[] {
  if (play.channel === 'csm_notice') {
    return [{ id: 'csm', name: account.csm.name, email: account.csm.email, timezone: 'UTC' }];
  }
  return account.contacts
    .filter((contact) => play.audience.includes(contact.role))
    .map(({ id, name, email, timezone }) => ({ id, name, email, timezone }));
}
