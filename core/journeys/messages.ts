import type { PlayConfig } from '#config/journeys-schema';

/** One message a play would send to one recipient for one occurrence of its cause. */
export interface MessageKey {
  playId: string;
  /** What the message is about: a milestone id, a risk id, a review id, a renewal, `tips`. */
  about: string;
  /** A contact id, or `csm` for a CSM notice. */
  recipientId: string;
  /** Which check of the milestone it answers (`due`, `grace`), a tip's day, ... A deferral keeps the occurrence. */
  occurrence: string;
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  timezone: string;
}

export interface Candidate {
  key: MessageKey;
  play: PlayConfig;
  recipient: Recipient;
}

/** Why a message was not sent, in the order restraint checks them (then the reasons play selection gives). */
export const NOT_SENT_REASONS = [
  'unsubscribed',
  'contact_left',
  'suppressed',
  'over_budget',
  'quiet_hours',
  'context',
  'held_out',
  'silent_mode',
  'struggling',
] as const;
export type NotSentReason = (typeof NOT_SENT_REASONS)[number];

export type Verdict =
  | { outcome: 'send' }
  | {
      outcome: 'dropped' | 'deferred' | 'held_out' | 'would_have_sent';
      reason: NotSentReason;
      detail: string;
      /** When a deferred message is tried again. */
      deferUntil?: string;
    };

export function messageKeyId(key: MessageKey): string {
  return `${key.playId}#${key.about}#${key.recipientId}#${key.occurrence}`;
}
