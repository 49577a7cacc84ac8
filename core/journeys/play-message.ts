import type { PlayConfig } from '#config/journeys-schema';
import type { Effect, MessageDraft } from '#core/effects/effect';
import type { Timer } from '#core/workflows/timers';
import type { MessageKey, NotSentReason } from './messages.ts';
import type { TemplateVariables } from './variables.ts';

export interface PlayMessageInput {
  key: MessageKey;
  play: PlayConfig;
  recipient: MessageDraft['recipient'];
  template: string;
  variables: TemplateVariables;
  /** What the timeline adds after "<play> (<channel>) to <name>", e.g. which tip. */
  whatElse?: string;
  why: string;
  details: Record<string, unknown>;
  /** The timer that decides the message again when restraint defers it. */
  retry: Timer;
}

/**
 * A journey play's message to one recipient, as the executor takes it: the play's channel decides who it is for
 * (a CSM notice is internal and routine; the rest reach a contact), how it goes and what the timeline says.
 */
export function playMessage(input: PlayMessageInput): MessageDraft {
  const { play, key, recipient, retry } = input;
  const internal = play.channel === 'csm_notice';
  return {
    key,
    audience: internal ? 'internal' : 'contact',
    recipient,
    playId: key.playId,
    channel: play.channel === 'in_app' ? 'in_app' : 'email',
    ...(internal ? { urgency: 'routine' as const } : {}),
    content: { kind: 'template', template: input.template, variables: input.variables },
    timeline: {
      action: internal ? 'notice_sent' : play.channel === 'in_app' ? 'in_app_posted' : 'message_sent',
      what: `${key.playId} (${play.channel}) to ${recipient.name}${input.whatElse ?? ''}`,
      why: input.why,
      details: input.details,
    },
    retry: { kind: retry.kind, accountId: retry.accountId, ref: retry.ref, payload: retry.payload },
  };
}

/** A play's message decided against before restraint (a struggling account), for the not-sent ledger. */
export function withheldMessage(
  key: MessageKey,
  play: PlayConfig,
  reason: NotSentReason,
  detail: string,
): Effect {
  return { kind: 'not_sent', row: { key, channel: play.channel, reason, detail } };
}
