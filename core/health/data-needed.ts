import type { AccountContext } from './context.ts';
import { plural } from './deviation.ts';
import type { Feed } from './feeds.ts';
import type { ComponentId } from './vocabulary.ts';

/**
 * The components an account's data must cover some days to show: product use, read as a rate over a window that
 * shrinks to the days of data (days whose signals have not arrived, or that came before the data began, would read
 * as no use at all). Relationship is judged, but without its meetings count (see relationship.ts). Tickets, survey
 * answers, sponsor news and value reported are events, judged from the first day: an urgent ticket or a sponsor
 * leaving in week one is a verdict, an empty week is not.
 */
export const NEEDS_TIME: ReadonlySet<ComponentId> = new Set(['engagement', 'adoption']);

/**
 * Why the account's data is too short for a verdict on what needs time (health.measures.minimumDataDays), counted
 * from the later of go-live and the first day of data (AccountContext.daysOfData); undefined once it covers enough
 * days, or without the setting.
 */
export function notEnoughDataYet(context: AccountContext): string | undefined {
  const minimum = context.config.health.measures?.minimumDataDays;
  if (minimum === undefined || context.daysOfData >= minimum) return undefined;
  const counted = Math.max(0, context.daysOfData);
  const since = context.input.dataSince;
  const lateData = since !== undefined && context.daysOfData < context.daysLive;
  return lateData
    ? `not enough data yet: data since ${since} (${plural(counted, 'day')}), a verdict needs ${minimum}`
    : `not enough data yet: live ${plural(counted, 'day')}, a verdict needs ${minimum}`;
}

const FEED_NAMES: Record<Feed, string> = {
  logins: 'logins',
  activeUsers: 'active users',
  usage: 'usage',
  features: 'feature use',
  tickets: 'tickets',
  meetings: 'meetings',
};

/**
 * Why a feed that reached the portfolio after the account's data began (AccountContext.daysOfFeed) is still too
 * short for a verdict, as notEnoughDataYet says of the account's data as a whole; undefined once it covers
 * minimumDataDays, when the feed began with the account's data (notEnoughDataYet speaks for it), or without the
 * setting.
 */
export function feedTooNew(context: AccountContext, feed: Feed): string | undefined {
  const minimum = context.config.health.measures?.minimumDataDays;
  const days = context.daysOfFeed[feed];
  if (minimum === undefined || days >= minimum || days >= context.daysOfData) return undefined;
  const since = context.input.feedsSince?.[feed];
  return `not enough data yet: ${FEED_NAMES[feed]} since ${since} (${plural(Math.max(0, days), 'day')}), a verdict needs ${minimum}`;
}
