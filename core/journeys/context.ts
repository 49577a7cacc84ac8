import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import type { AccountView } from '#core/workflows/account-view';
import type { AccountSituation } from './select-plays.ts';

/** The account's situation the context step of restraint reads (core/journeys/restraint.ts). */
export interface RestraintContext {
  openEscalation: boolean;
  urgentTicket: boolean;
  renewalNegotiation: boolean;
}

/** A renewal negotiation is live near the renewal date, or once the customer asked to cut the contract. */
export function renewalNegotiationLive(
  view: Pick<AccountView, 'account' | 'facts' | 'now'>,
  config: Pick<Config, 'restraint'>,
): boolean {
  const daysToRenewal =
    (Date.parse(`${view.account.contract.renewalDate}T00:00:00Z`) - view.now.getTime()) / DAY_MS;
  return (
    view.facts.contractReductionRequested ||
    (daysToRenewal >= 0 && daysToRenewal <= config.restraint.renewalNegotiationDays)
  );
}

export function restraintContext(
  view: Pick<AccountView, 'account' | 'facts' | 'now' | 'openRisk'>,
  config: Pick<Config, 'restraint'>,
): RestraintContext {
  return {
    openEscalation: view.openRisk !== null,
    urgentTicket: view.facts.urgentTicketsOpen,
    renewalNegotiation: renewalNegotiationLive(view, config),
  };
}

/** What the plays read to tell whether the account is struggling (strugglingBecause). */
export function accountSituation(view: Pick<AccountView, 'health' | 'facts' | 'openRisk'>): AccountSituation {
  return {
    band: view.health.band,
    openEscalation: view.openRisk !== null,
    urgentTicket: view.facts.urgentTicketsOpen,
  };
}
