import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Decision, Effect } from '#core/effects/effect';
import { detectMilestones, type MilestoneAchievement } from '#core/health/milestones';
import type { DailyRollup } from '#core/rollup';
import { csmOf } from '#core/workflows/account-view';
import type { MessageKey } from './messages.ts';
import { type MilestoneCheck, milestoneStatus, type Phase } from './milestone-status.ts';
import { playMessage, withheldMessage } from './play-message.ts';
import { recipientsOf } from './recipients.ts';
import { type AccountSituation, selectPlays } from './select-plays.ts';
import { deferredJourneyTimer } from './timers.ts';
import { milestoneFacts, templateVariables } from './variables.ts';

export interface MilestoneCheckInput {
  account: AccountInput;
  rollups: readonly DailyRollup[];
  /** Milestones found earlier (kept in the stored health after their rollups leave the lookback). */
  achievements?: readonly MilestoneAchievement[];
  situation: AccountSituation;
  health: { score: number | null; band: string; touch: 'high' | 'low' | 'tech' };
  milestone: string;
  phase: Phase;
  now: Date;
}

/**
 * One milestone check as a decision (DESIGN decision 9): the milestone's status, the plays the journey names for
 * it, the congratulations withheld from a struggling account (not-sent rows), and a message per play and
 * recipient. Restraint is the executor's: it judges every message of the decision together. A message restraint
 * defers is decided again by the same check at the deferred time (the `.deferred` journey timer).
 */
export function decideMilestoneCheck(
  config: Config,
  input: MilestoneCheckInput,
): Decision & { check?: MilestoneCheck } {
  const achievements = detectMilestones(config, input.rollups, input.achievements ?? []);
  const check = milestoneStatus(config, input.account, achievements, input.milestone, input.now);
  if (!check) return { summary: `milestone ${input.milestone} is not in the journey`, effects: [] };
  const key = (playId: string, recipientId: string): MessageKey => ({
    playId,
    about: check.milestone,
    recipientId,
    occurrence: input.phase,
  });
  const retry = deferredJourneyTimer(input.account.id, input.milestone, input.phase, input.now.toISOString());
  const why = `${check.label}: ${check.status} (day ${check.daysLive}, due day ${check.dueDay})`;
  const effects: Effect[] = [];
  for (const selection of selectPlays(config, check, input.phase, input.situation)) {
    const { play, playId } = selection;
    const internal = play.channel === 'csm_notice';
    const recipients = internal
      ? [csmOf({ account: input.account, health: { segment: { touch: input.health.touch } } }, config)]
      : recipientsOf(input.account, play).map((r) => ({ ...r, role: 'contact' }));
    for (const recipient of recipients) {
      if (!selection.selected) {
        effects.push(withheldMessage(key(playId, recipient.id), play, selection.reason, selection.detail));
        continue;
      }
      const message = playMessage({
        key: key(playId, recipient.id),
        play,
        recipient,
        template: play.template,
        variables: templateVariables({
          account: input.account,
          recipient,
          health: input.health,
          check,
          milestone: milestoneFacts(config, check.milestone),
        }),
        why,
        details: { play: playId, milestone: check.milestone },
        retry,
      });
      effects.push({ kind: 'message', message });
    }
  }
  return { summary: `${check.milestone}: ${check.status}`, effects, check };
}
