import type { AccountContext } from '../context.ts';
import { daysSince } from '../days.ts';
import { quietDay } from '../quiet-days.ts';

export type SponsorStatus =
  | { state: 'established' }
  | { state: 'new'; daysAgo: number }
  | { state: 'left'; daysAgo: number }
  | { state: 'none' };

interface SponsorEvent {
  kind: 'left' | 'joined';
  at: string;
}

function sponsorEvents(context: AccountContext): SponsorEvent[] {
  const events: SponsorEvent[] = [];
  for (const rollup of context.rollups) {
    if (quietDay(rollup)) continue;
    const { counts, lastAt } = rollup;
    const left = (counts.sponsor_left ?? 0) > 0 && lastAt.sponsor_left;
    const joined = (counts.sponsor_joined ?? 0) > 0 && lastAt.sponsor_joined;
    if (left) events.push({ kind: 'left', at: left });
    if (joined) events.push({ kind: 'joined', at: joined });
  }
  return events.filter((event) => Date.parse(event.at) <= context.now.getTime());
}

/** Of two events at the same instant, the departure counts as the later one: the cautious reading. */
function later(a: SponsorEvent, b: SponsorEvent): SponsorEvent {
  const difference = Date.parse(a.at) - Date.parse(b.at);
  if (difference !== 0) return difference > 0 ? a : b;
  return a.kind === 'left' ? a : b;
}

/**
 * The latest sponsor_left / sponsor_joined signal in the lookback decides; without one, the account's
 * contacts do (a contact with role `sponsor`).
 */
export function sponsorStatus(context: AccountContext): SponsorStatus {
  const latest = sponsorEvents(context).reduce<SponsorEvent | null>(
    (found, event) => (found ? later(found, event) : event),
    null,
  );
  if (latest) {
    const daysAgo = Math.floor(daysSince(latest.at, context.now));
    if (latest.kind === 'left') return { state: 'left', daysAgo };
    return daysAgo < context.config.health.relationship.newSponsorDays
      ? { state: 'new', daysAgo }
      : { state: 'established' };
  }
  const named = context.input.account.contacts.some((contact) => contact.role === 'sponsor');
  return named ? { state: 'established' } : { state: 'none' };
}

export function hasSponsor(status: SponsorStatus): boolean {
  return status.state === 'established' || status.state === 'new';
}

export function ago(days: number): string {
  if (days <= 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}
