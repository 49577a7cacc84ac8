import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Decision, Effect } from '#core/effects/effect';
import type { DailyRollup } from '#core/rollup';
import type { MessageKey } from './messages.ts';
import { playMessage, withheldMessage } from './play-message.ts';
import { recipientsOf } from './recipients.ts';
import { type AccountSituation, strugglingBecause } from './select-plays.ts';
import { deferredTipTimer, tipCadenceOf, tipDay, tipTimer } from './tip-cadence.ts';
import { adoptedFeatures, chooseTip } from './tip-choice.ts';
import { templateVariables } from './variables.ts';

export interface TipInput {
  account: AccountInput;
  /** The health lookback's rollups: the features the account used lately. */
  rollups: readonly DailyRollup[];
  situation: AccountSituation;
  health: { score: number | null; band: string };
  churned: boolean;
  /** Which tip of the cadence (0 is the first) and its calendar day, as the timer carries them. */
  occurrence: number;
  day: string;
  now: Date;
  /** The cadence's own timer schedules the next tip; a deferred retry of this one does not. */
  scheduleNext: boolean;
}

/**
 * One tip of a segment's cadence as a decision (DESIGN decision 9): the next tip's timer, and a message per
 * contact in the play's audience teaching a feature the account has not adopted (or the general tip). A struggling
 * account (red, an open escalation, an urgent ticket) gets no tip: a not-sent row per contact says why. Tips stop
 * when the account churns, its segment sends none, or the cadence ends. Restraint is the executor's: budget (a tip
 * is dropped when it is full), quiet hours (deferred to the `tip.deferred` timer), unsubscribe, suppression,
 * context, the play's holdout and silent mode.
 */
export function decideTip(config: Config, input: TipInput): Decision {
  if (input.churned) return { summary: 'the account churned: tips stop', effects: [] };
  const found = tipCadenceOf(config, input.account);
  if (!found) return { summary: "the account's segment sends no tips: tips stop", effects: [] };
  const { segment, cadence } = found;
  if (tipDay(cadence, input.occurrence) === null) {
    return {
      summary: `tip ${input.occurrence + 1} is past the cadence's end day ${cadence.endDay}`,
      effects: [],
    };
  }
  const play = config.plays[cadence.play];
  if (!play) throw new Error(`journeys.${segment}.tips names play ${cadence.play}, which is not configured`);
  const next = input.scheduleNext ? tipTimer(config, input.account, input.occurrence + 1) : null;
  const effects: Effect[] = next ? [{ kind: 'set_timer', timer: next }] : [];
  const then = next ? `; next tip ${next.payload.day}` : input.scheduleNext ? '; the last tip' : '';
  const key = (recipientId: string): MessageKey => ({
    playId: cadence.play,
    about: 'tips',
    recipientId,
    occurrence: input.day,
  });
  const recipients = recipientsOf(input.account, play);
  const struggling = strugglingBecause(input.situation);
  if (struggling) {
    for (const r of recipients)
      effects.push(withheldMessage(key(r.id), play, 'struggling', `tip withheld: ${struggling}`));
    return { summary: `tip ${input.occurrence + 1} withheld (${struggling})${then}`, effects };
  }
  const choice = chooseTip(config.tips, adoptedFeatures(input.rollups), input.occurrence, play.template);
  const topic = choice.feature ?? 'general';
  const retry = deferredTipTimer(input.account.id, input.occurrence, input.day, input.now.toISOString());
  const every = `every ${cadence.everyDays} days from day ${cadence.startDay}`;
  for (const r of recipients) {
    const recipient = { ...r, role: 'contact' };
    const message = playMessage({
      key: key(r.id),
      play,
      recipient,
      template: choice.template,
      variables: templateVariables({ account: input.account, recipient, health: input.health }),
      whatElse: `: ${topic} tip`,
      why: choice.feature
        ? `tip ${input.occurrence + 1} of the ${segment} cadence (${every}); ${choice.feature} not used lately`
        : `tip ${input.occurrence + 1} of the ${segment} cadence (${every}); every listed feature in use`,
      details: { play: cadence.play, tip: topic, occurrence: input.occurrence },
      retry,
    });
    effects.push({ kind: 'message', message });
  }
  return {
    summary: `tip ${input.occurrence + 1}: ${topic} to ${recipients.length} contacts${then}`,
    effects,
  };
}
