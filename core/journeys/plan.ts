import type { Config } from '#config/schema';
import type { Account } from '#core/accounts';
import { detectMilestones } from '#core/health/milestones';
import type { DailyRollup } from '#core/rollup';
import { type Candidate, type MessageKey, messageKeyId } from './messages.ts';
import { type MilestoneCheck, milestoneStatus, type Phase } from './milestone-status.ts';
import { recipientsOf } from './recipients.ts';
import { type Judged, type RestraintState, restrain } from './restraint.ts';
import { type AccountSituation, selectPlays } from './select-plays.ts';

export interface NotSelected {
  key: MessageKey;
  channel: string;
  reason: 'struggling';
  detail: string;
}

export interface JourneyPlan {
  check: MilestoneCheck | undefined;
  notSelected: NotSelected[];
  judged: Judged[];
  /** Messages already in the send ledger (an earlier run, a retry): neither judged nor counted again. */
  alreadyInLedger: number;
}

/**
 * Everything one milestone check decides, with no effects: the milestone's status, the plays it calls for, the
 * congratulations withheld from a struggling account, and each remaining message through the restraint pipeline.
 */
export function planMilestoneCheck(
  config: Config,
  input: {
    account: Account;
    rollups: readonly DailyRollup[];
    situation: AccountSituation;
    milestone: string;
    phase: Phase;
    restraint: RestraintState;
    /** Message key ids (messageKeyId) already in the send ledger, whatever their status. */
    inLedger?: ReadonlySet<string>;
  },
): JourneyPlan {
  const achievements = detectMilestones(config, input.rollups);
  const check = milestoneStatus(config, input.account, achievements, input.milestone, input.restraint.now);
  if (!check) return { check, notSelected: [], judged: [], alreadyInLedger: 0 };
  const key = (playId: string, recipientId: string): MessageKey => ({
    playId,
    milestone: check.milestone,
    recipientId,
    occurrence: input.phase,
  });
  const notSelected: NotSelected[] = [];
  const candidates: Candidate[] = [];
  let alreadyInLedger = 0;
  for (const selection of selectPlays(config, check, input.phase, input.situation)) {
    for (const recipient of recipientsOf(input.account, selection.play)) {
      if (input.inLedger?.has(messageKeyId(key(selection.playId, recipient.id)))) {
        alreadyInLedger++;
      } else if (selection.selected) {
        candidates.push({ key: key(selection.playId, recipient.id), play: selection.play, recipient });
      } else {
        notSelected.push({
          key: key(selection.playId, recipient.id),
          channel: selection.play.channel,
          reason: selection.reason,
          detail: selection.detail,
        });
      }
    }
  }
  return {
    check,
    notSelected,
    judged: restrain(candidates, input.restraint, config.restraint),
    alreadyInLedger,
  };
}
