import type { AccountContext } from './context.ts';
import type { ComponentId } from './vocabulary.ts';

/**
 * The components a young account has not lived long enough to show: product use, read as a rate over a window
 * that shrinks to the days it has been live (the days whose signals have not arrived would read as no use at
 * all). Relationship is judged, but without its meetings count (see relationship.ts). Tickets, survey answers,
 * sponsor news and value reported are events, judged from the first day: an urgent ticket or a sponsor leaving
 * in week one is a verdict, an empty week is not.
 */
export const NEEDS_TIME: ReadonlySet<ComponentId> = new Set(['engagement', 'adoption']);

/**
 * Why the account is too young for a verdict on what needs time (health.measures.minimumDataDays); undefined
 * once it has been live long enough, or without the setting.
 */
export function notEnoughDataYet(context: AccountContext): string | undefined {
  const minimum = context.config.health.measures?.minimumDataDays;
  if (minimum === undefined || context.daysLive >= minimum) return undefined;
  const live = Math.max(0, context.daysLive);
  return `not enough data yet: live ${live} ${live === 1 ? 'day' : 'days'}, a verdict needs ${minimum}`;
}
