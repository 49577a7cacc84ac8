import type { Config } from '#config/schema';
import type { MessageDraft } from '#core/effects/effect';
import { recipientsOf } from '#core/journeys/recipients';
import { templateVariables } from '#core/journeys/variables';
import type { AccountView } from './account-view.ts';

/** What a workflow says about the messages of one play: which occasion they are for, and why they go. */
export interface PlayOccasion {
  about: string;
  occurrence: string;
  why: string;
  details: Record<string, unknown>;
  retry: MessageDraft['retry'];
}

/**
 * One message per audience contact of a configured play (the renewal-value message, a risk strategy's outreach):
 * the play's template with the account's variables, keyed once per occasion, claiming on the timeline only what
 * its delivery will do. An unknown play gives none (the config's cross-checks refuse one).
 */
export function contactPlayMessages(
  config: Config,
  view: AccountView,
  playId: string,
  occasion: PlayOccasion,
): MessageDraft[] {
  const play = config.plays[playId];
  if (!play) return [];
  return recipientsOf(view.account, play).map((recipient) => ({
    key: { playId, about: occasion.about, recipientId: recipient.id, occurrence: occasion.occurrence },
    audience: 'contact',
    recipient: { ...recipient, role: 'contact' },
    playId,
    channel: play.channel === 'in_app' ? 'in_app' : 'email',
    content: {
      kind: 'template',
      template: play.template,
      variables: templateVariables({ account: view.account, recipient, health: view.health }),
    },
    timeline: {
      action: 'message_sent',
      what: `${playId} to ${recipient.name}`,
      why: occasion.why,
      details: { play: playId, ...occasion.details },
    },
    ...(occasion.retry ? { retry: occasion.retry } : {}),
  }));
}
