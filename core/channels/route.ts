import type { ChannelsConfig, ChatKind, ChatTopic } from '#config/channels-schema';

/** What a post is about, for routing: its topic, the account's region, and the people it is for. */
export interface ChatAudience {
  topic: ChatTopic;
  region: string;
  /** Email addresses of the CSMs and managers the post is for (a notice's recipient, a digest's readers). */
  people: readonly string[];
}

export interface ChatDestination {
  name: string;
  kind: ChatKind;
  /** Where its readers are (quiet days are theirs). */
  timezone: string;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The destinations a post goes to: every route that carries its topic and matches its region, a team one of its
 * people is in, or one of its people by address. Each destination once, by name.
 */
export function chatDestinations(channels: ChannelsConfig, audience: ChatAudience): ChatDestination[] {
  const names = new Set<string>();
  for (const route of channels.routes) {
    if (!route.carries.includes(audience.topic)) continue;
    const team = route.team !== undefined ? (channels.teams[route.team] ?? []) : [];
    const matches =
      (route.region !== undefined && route.region === audience.region) ||
      (route.csm !== undefined && audience.people.some((p) => same(p, route.csm ?? ''))) ||
      team.some((member) => audience.people.some((p) => same(p, member)));
    if (matches) names.add(route.to);
  }
  return [...names].sort().flatMap((name) => {
    const destination = channels.destinations[name];
    return destination ? [{ name, kind: destination.kind, timezone: destination.timezone }] : [];
  });
}

/** The ledger's recipient id of a destination: posts are keyed by where they go, not by whom they are about. */
export const chatRecipientId = (destination: string) => `chat:${destination}`;

export const CHAT_LABEL: Record<ChatKind, string> = { slack: 'Slack', teams: 'Microsoft Teams' };
