import type { RestraintConfig } from '#config/journeys-schema';
import { isHeldOut } from './holdout.ts';
import { nextAllowedTime } from './local-time.ts';
import type { Candidate, Verdict } from './messages.ts';
import type { ListPreference } from './ses-events.ts';
import { type JourneyTopics, topicOf } from './topics.ts';

const WEEK_MS = 7 * 86_400_000;

/** A message already sent (or reserved) to someone at the account, as the budget counts it. */
export interface PastSend {
  recipientId: string;
  at: string;
  priority: number;
}

export interface RestraintState {
  accountId: string;
  now: Date;
  /** Contact ids that unsubscribed. */
  unsubscribed: ReadonlySet<string>;
  /** Contact ids that left the customer (a sponsor_left naming them): they get nothing further. */
  departed?: ReadonlySet<string>;
  /** Email addresses (lower case) that bounced or complained. */
  suppressed: ReadonlySet<string>;
  /** What addresses (lower case) refuse in the SES contact list, through SES's own unsubscribe header or page. */
  listPreferences?: ReadonlyMap<string, ListPreference>;
  /** The contact-list topic each kind of play goes under (DEFAULT_JOURNEY_TOPICS when absent). */
  topics?: Partial<JourneyTopics>;
  /** The account's sends of the last 7 days (older ones are ignored). */
  recentSends: readonly PastSend[];
  context: { openEscalation: boolean; urgentTicket: boolean; renewalNegotiation: boolean };
}

export interface Judged {
  candidate: Candidate;
  verdict: Verdict;
}

/** When the budget frees a slot: the oldest send still counting leaves the 7-day window. */
function slotFreesAt(sends: readonly { at: number }[], budget: number): number {
  const times = sends.map((s) => s.at).sort((a, b) => a - b);
  return (times[times.length - budget] ?? times[0] ?? 0) + WEEK_MS;
}

/**
 * Why the account's situation holds a message back. A risk's own outreach and review invitations are what the
 * escalation or the renewal calls for, so neither an open escalation nor a live negotiation holds them.
 */
function contextReason(candidate: Candidate, context: RestraintState['context']): string | null {
  const { kind } = candidate.play;
  if (kind === 'outreach' || kind === 'invitation') return null;
  if (context.openEscalation) return 'the account has an open escalation';
  if (context.urgentTicket) return 'the account has an urgent ticket open';
  if (context.renewalNegotiation && kind !== 'renewal_notice') return 'a renewal negotiation is live';
  return null;
}

/**
 * The restraint pipeline (issue 5), checked in this order for each message: unsubscribed (by churnguard's link, or
 * from the email's topic in the SES contact list); left the customer; suppressed; the
 * contact-pressure budget (per contact and per account per 7 days; higher priority first, so a renewal notice
 * beats a tip and the tip is dropped or deferred as its play says); quiet hours and days in the contact's own
 * time zone (deferred to the next allowed time); context (open escalation, urgent ticket, live renewal
 * negotiation); holdout (deterministic by account id); silent mode ("would have sent").
 *
 * Channels: unsubscribe, suppression and quiet hours concern email; the budget and context concern everything a
 * contact sees (email and in-app); CSM notices go to the vendor's own CSM and skip all but holdout and silent mode.
 * Only messages that end as `send` use budget. Returns verdicts in the order given.
 */
export function restrain(
  candidates: readonly Candidate[],
  state: RestraintState,
  restraint: RestraintConfig,
): Judged[] {
  const now = state.now.getTime();
  const window = state.recentSends
    .map((s) => ({ recipientId: s.recipientId, at: Date.parse(s.at) }))
    .filter((s) => s.at > now - WEEK_MS && s.at <= now);
  const order = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort((a, b) => b.candidate.play.priority - a.candidate.play.priority || a.index - b.index);
  const verdicts = new Map<number, Verdict>();
  for (const { candidate, index } of order) {
    const verdict = judge(candidate, state, restraint, window);
    if (verdict.outcome === 'send' && candidate.play.channel !== 'csm_notice') {
      window.push({ recipientId: candidate.recipient.id, at: now });
    }
    verdicts.set(index, verdict);
  }
  return candidates.map((candidate, index) => ({
    candidate,
    verdict: verdicts.get(index) ?? { outcome: 'send' },
  }));
}

/** What of the SES contact list the recipient refuses that this email would go under, or null. */
function refusedListTopics({ play, recipient }: Candidate, state: RestraintState): string | null {
  const preference = state.listPreferences?.get(recipient.email.toLowerCase());
  if (!preference) return null;
  if (preference.unsubscribeAll) return 'every topic';
  const topic = topicOf(play.kind, state.topics);
  return preference.optedOut.includes(topic) ? `the ${topic} topic` : null;
}

function judge(
  candidate: Candidate,
  state: RestraintState,
  restraint: RestraintConfig,
  window: readonly { recipientId: string; at: number }[],
): Verdict {
  const { play, recipient, key } = candidate;
  const toContact = play.channel !== 'csm_notice';
  const email = play.channel === 'email';
  if (toContact && state.unsubscribed.has(recipient.id)) {
    return { outcome: 'dropped', reason: 'unsubscribed', detail: `${recipient.email} unsubscribed` };
  }
  const refused = email ? refusedListTopics(candidate, state) : null;
  if (refused) {
    return {
      outcome: 'dropped',
      reason: 'unsubscribed',
      detail: `${recipient.email} unsubscribed from ${refused} in the SES contact list`,
    };
  }
  if (toContact && state.departed?.has(recipient.id)) {
    return { outcome: 'dropped', reason: 'contact_left', detail: `${recipient.name} left the customer` };
  }
  if (email && state.suppressed.has(recipient.email.toLowerCase())) {
    return { outcome: 'dropped', reason: 'suppressed', detail: `${recipient.email} bounced or complained` };
  }
  if (toContact) {
    const mine = window.filter((s) => s.recipientId === recipient.id);
    const full =
      mine.length >= restraint.weeklyPerContact
        ? {
            sends: mine,
            budget: restraint.weeklyPerContact,
            what: `contact budget (${restraint.weeklyPerContact} a week)`,
          }
        : window.length >= restraint.weeklyPerAccount
          ? {
              sends: window,
              budget: restraint.weeklyPerAccount,
              what: `account budget (${restraint.weeklyPerAccount} a week)`,
            }
          : null;
    if (full) {
      const detail = `${full.what} used up by higher or equal priority messages; priority ${play.priority}`;
      return play.overBudget === 'drop'
        ? { outcome: 'dropped', reason: 'over_budget', detail: `dropped: ${detail}` }
        : {
            outcome: 'deferred',
            reason: 'over_budget',
            detail: `deferred: ${detail}`,
            deferUntil: new Date(slotFreesAt(full.sends, full.budget)).toISOString(),
          };
    }
  }
  if (email) {
    const next = nextAllowedTime(state.now, recipient.timezone, restraint);
    if (next === undefined) {
      return {
        outcome: 'dropped',
        reason: 'quiet_hours',
        detail: `no allowed time in ${recipient.timezone}`,
      };
    }
    if (next.getTime() !== state.now.getTime()) {
      return {
        outcome: 'deferred',
        reason: 'quiet_hours',
        detail: `quiet hours or day in ${recipient.timezone}`,
        deferUntil: next.toISOString(),
      };
    }
  }
  if (toContact) {
    const why = contextReason(candidate, state.context);
    if (why) return { outcome: 'dropped', reason: 'context', detail: why };
  }
  if (isHeldOut(state.accountId, key.playId, play.holdout)) {
    return {
      outcome: 'held_out',
      reason: 'held_out',
      detail: `account in the ${Math.round(play.holdout * 100)}% holdout of ${key.playId}`,
    };
  }
  if (play.silent) {
    return { outcome: 'would_have_sent', reason: 'silent_mode', detail: `${key.playId} runs in silent mode` };
  }
  return { outcome: 'send' };
}
