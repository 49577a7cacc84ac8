import type { TimersConfig } from '#config/escalation-schema';
import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import type { Decision, Effect, MessageDraft } from '#core/effects/effect';
import { coveringReview, coverReason } from '#core/reviews/covering';
import { type AccountView, triggersOf } from './account-view.ts';
import { contactPlayMessages } from './contact-plays.ts';
import { invitationMessages, proposeReview, renewalReviewSlot } from './review-invitation.ts';
import { renewalOfReview, reviewIdFor, reviewOverdue } from './review-record.ts';
import type { Timer } from './timers.ts';

/** The countdown's checkpoint timers still ahead of `now`, at `checkpointHourUtc` of each checkpoint day. */
export function renewalCheckpointTimers(
  accountId: string,
  renewalDate: string,
  timers: Pick<TimersConfig, 'renewalCheckpointDays' | 'checkpointHourUtc'>,
  now: Date,
): Timer[] {
  const hour = String(timers.checkpointHourUtc).padStart(2, '0');
  const renewal = Date.parse(`${renewalDate}T${hour}:00:00Z`);
  return timers.renewalCheckpointDays
    .map((days) => ({ days, due: new Date(renewal - days * DAY_MS) }))
    .filter(({ due }) => due.getTime() > now.getTime())
    .map(({ days, due }) => ({
      kind: 'renewal_checkpoint' as const,
      accountId,
      ref: `T-${days}`,
      dueAt: due.toISOString(),
      payload: { daysBefore: days, renewalDate },
    }));
}

/**
 * The checkpoint an account missed by arriving late (or by its renewal date moving): the latest one already
 * passed, to run now, once per renewal date. None when no checkpoint has passed or the renewal itself has.
 */
export function passedCheckpointTimer(
  accountId: string,
  renewalDate: string,
  timers: TimersConfig,
  now: Date,
): Timer | null {
  if (!timers.catchUpPassedCheckpoint) return null;
  const hour = String(timers.checkpointHourUtc).padStart(2, '0');
  const renewal = Date.parse(`${renewalDate}T${hour}:00:00Z`);
  if (renewal < now.getTime()) return null;
  const passed = timers.renewalCheckpointDays
    .filter((days) => renewal - days * DAY_MS <= now.getTime())
    .sort((a, b) => a - b)[0];
  if (passed === undefined) return null;
  return {
    kind: 'renewal_checkpoint',
    accountId,
    ref: `T-${passed}.catch-up.${renewalDate}`,
    dueAt: now.toISOString(),
    payload: { daysBefore: passed, renewalDate, caughtUp: true },
  };
}

export interface CheckpointInput {
  /** The checkpoint's timer ref (`T-90`, or `T-30.catch-up.<date>` for one run late); a retry carries the original's. */
  ref: string;
  daysBefore: number;
  renewalDate: string;
  at: string;
  /** Deterministic id of the checkpoint (timeline cause). */
  cause: string;
  /** A re-run for messages restraint deferred: only the messages are decided again. */
  retry?: boolean;
  caughtUp?: boolean;
}

const checkpointName = (input: CheckpointInput) =>
  `T-${input.daysBefore}${input.caughtUp ? ' (run on arrival: the account came after it)' : ''}`;

function valueMessages(
  config: Config,
  view: AccountView,
  input: CheckpointInput,
  retry: MessageDraft['retry'],
): Effect[] {
  const playId = config.timers.renewalValueMessage.play;
  return contactPlayMessages(config, view, playId, {
    about: `renewal-${input.renewalDate}`,
    occurrence: `T-${input.daysBefore}`,
    why: `renewal on ${input.renewalDate}, ${input.daysBefore} days away`,
    details: {},
    retry,
  }).map((message) => ({ kind: 'message', message }));
}

/** Why a checkpoint does nothing at all, or null when it runs. */
function skipReason(view: AccountView, input: CheckpointInput, timers: TimersConfig): string | null {
  if (view.facts.churned) return 'the account churned';
  if (view.account.contract.renewalDate !== input.renewalDate) {
    return `the renewal date moved to ${view.account.contract.renewalDate}; its own checkpoints are scheduled`;
  }
  const countdownFrom =
    Date.parse(`${input.renewalDate}T00:00:00Z`) - Math.max(...timers.renewalCheckpointDays) * DAY_MS;
  const outcome = view.facts.renewalOutcome;
  if (outcome && Date.parse(outcome.at) >= countdownFrom) {
    return `the renewal already resolved (${outcome.outcome} on ${outcome.at.slice(0, 10)})`;
  }
  return null;
}

/**
 * One renewal checkpoint. Detection is the same as everywhere (a risk found starts a risk check, which opens the
 * risk in the RiskEscalation workflow); high-touch accounts get their renewal review (an Annual Customer Review for
 * Core) at T-90, or earlier in the window when something is off; low- and tech-touch accounts get the
 * renewal-value message at its checkpoints unless the renewal is at risk (a value message to an angry customer
 * backfires).
 */
export function decideCheckpoint(config: Config, view: AccountView, input: CheckpointInput): Decision {
  const timers = config.timers;
  const skip = skipReason(view, input, timers);
  if (skip) {
    return {
      summary: `skipped: ${skip}`,
      effects: input.retry
        ? []
        : [
            {
              kind: 'timeline',
              entry: {
                action: 'renewal_checkpoint',
                what: `Renewal checkpoint ${checkpointName(input)} skipped`,
                why: skip,
                cause: input.cause,
              },
            },
          ],
    };
  }
  const triggers = triggersOf(config, view);
  const touch = view.health.segment.touch;
  const retry: MessageDraft['retry'] = {
    kind: 'renewal_checkpoint',
    accountId: view.account.id,
    ref: `${input.ref}.retry`,
    payload: {
      daysBefore: input.daysBefore,
      renewalDate: input.renewalDate,
      retryOf: input.ref,
      ...(input.caughtUp ? { caughtUp: true } : {}),
    },
  };
  const effects: Effect[] = [];
  const done: string[] = [];
  const reasons = triggers.map((t) => t.text);

  if (triggers.length > 0 && !view.openRisk && !input.retry) {
    effects.push({
      kind: 'set_timer',
      timer: {
        kind: 'risk_check',
        accountId: view.account.id,
        ref: `checkpoint.${input.ref}.${input.renewalDate}`,
        dueAt: input.at,
        payload: { step: 'detect', origin: `renewal checkpoint T-${input.daysBefore}` },
      },
    });
    done.push('renewal at risk: a risk check is started');
  }
  if (view.openRisk)
    done.push(`the open tier-${view.openRisk.tier} risk (${view.openRisk.primaryCause}) continues`);

  const review = timers.renewalReview;
  const overdue = reviewOverdue(view.reviews, view.now);
  const concerns = [...reasons, ...(view.health.band === 'yellow' ? ['health is yellow'] : [])];
  if (overdue) concerns.push('the last review is overdue');
  const ownReviewId = reviewIdFor(input.ref, input.renewalDate);
  const booked = view.reviews.find(
    (r) => renewalOfReview(r.reviewId) === input.renewalDate && r.status !== 'missed',
  );
  const inWindow = input.daysBefore <= review.fromDay && input.daysBefore >= review.toDay;
  const wantsReview =
    touch === 'high' && inWindow && (input.daysBefore === review.atDay || concerns.length > 0);
  const kind = view.health.segment.program === 'core' ? 'annual_customer_review' : 'ebr';
  const reason = `renewal on ${input.renewalDate}, ${input.daysBefore} days away`;
  if (booked?.reviewId === ownReviewId && booked.status === 'scheduled') {
    // This checkpoint booked it: its invitations are decided again (a deferred one goes when restraint allows).
    const proposed = proposeReview(
      config,
      view.account,
      booked.reviewKind,
      booked.reviewId,
      new Date(booked.scheduledAt),
      reason,
      // At its start now: a CSM may have moved it since (that move's update goes on its own).
      { ...renewalReviewSlot(new Date(booked.scheduledAt)), start: new Date(booked.startsAt) },
    );
    effects.push(...invitationMessages(config, view, { ...proposed, review: booked }, reason, retry));
  } else if (wantsReview && !booked && !input.retry) {
    const slot = renewalReviewSlot(new Date(input.at));
    const cover = coveringReview(config.reviews, view.reviews, slot.start);
    if (cover) {
      // A programme review in the same weeks serves as the renewal review: the customer gets one invitation.
      done.push(`no renewal review: ${coverReason(cover)}`);
    } else {
      const proposed = proposeReview(
        config,
        view.account,
        kind,
        ownReviewId,
        new Date(input.at),
        reason,
        slot,
      );
      effects.push(
        { kind: 'create_review', review: proposed.review },
        {
          kind: 'timeline',
          entry: {
            action: 'review_scheduled',
            what: `${proposed.title} proposed for ${proposed.when}`,
            why: concerns.length ? `${reason}; ${concerns.join('; ')}` : reason,
            cause: `review:${input.cause}`,
            details: { reviewId: proposed.review.reviewId, kind },
          },
        },
        ...invitationMessages(config, view, proposed, reason, retry),
      );
      done.push(`the renewal review (${kind}) is proposed`);
    }
  }

  const atRisk = triggers.length > 0 || view.openRisk !== null;
  if (touch !== 'high' && timers.renewalValueMessage.atDays.includes(input.daysBefore)) {
    if (atRisk) done.push('no renewal-value message: the renewal is at risk');
    else {
      effects.push(...valueMessages(config, view, input, retry));
      done.push('the renewal-value message is due to its contacts');
    }
  }
  // "On track" only when nothing gives concern: a yellow account with no risk trigger is not called on track.
  if (done.length === 0)
    done.push(concerns.length ? 'no risk trigger, nothing to do yet' : 'on track, nothing to do');
  if (!input.retry) {
    effects.unshift({
      kind: 'timeline',
      entry: {
        action: 'renewal_checkpoint',
        what: `Renewal checkpoint ${checkpointName(input)}: ${done.join('; ')}`,
        why: concerns.length ? concerns.join('; ') : 'healthy, nothing pointing at risk',
        cause: input.cause,
        details: {
          band: view.health.band,
          score: view.health.score,
          triggers: triggers.map((t) => t.id),
        },
      },
    });
  }
  return { summary: done.join('; '), effects };
}
