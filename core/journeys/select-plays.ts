import type { PlayConfig } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import type { Band } from '#core/health/vocabulary';
import type { MilestoneCheck, Phase } from './milestone-status.ts';

/** What the account looks like when a milestone is checked: enough to tell whether it is struggling. */
export interface AccountSituation {
  band: Band | 'unknown';
  openEscalation: boolean;
  urgentTicket: boolean;
}

export type PlaySelection =
  | { selected: true; playId: string; play: PlayConfig }
  /** A play the journey names but the account must not get; recorded in the not-sent ledger. */
  | { selected: false; playId: string; play: PlayConfig; reason: 'struggling'; detail: string };

/**
 * Why a congratulation would be wrong now (seed 004: no "congratulations" to a customer who is struggling). An
 * unknown band is not struggling: onboarding milestones fall in the days before product use is judged
 * (health.measures.minimumDataDays), and holding their plays back for it would silence every onboarding journey;
 * trouble in those days still shows, as a band made red by tickets, answers or a sponsor leaving, or as an urgent
 * ticket or an open escalation.
 */
export function strugglingBecause(situation: AccountSituation): string | null {
  const reasons = [
    situation.band === 'red' ? 'health is red' : null,
    situation.openEscalation ? 'an escalation is open' : null,
    situation.urgentTicket ? 'an urgent ticket is open' : null,
  ].filter((reason): reason is string => reason !== null);
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/**
 * The plays a milestone check calls for, as the segment's journey names them. At the `due` check: `onAchieved`
 * when reached, `onLate` when not. At the `grace` check: `onMissed` when still not reached, else nothing (a
 * milestone reached late earns no congratulation). A congratulation is selected only when the account is not
 * struggling; otherwise it is returned unselected with the reason, for the not-sent ledger.
 */
export function selectPlays(
  config: Config,
  check: MilestoneCheck,
  phase: Phase,
  situation: AccountSituation,
): PlaySelection[] {
  const entry = config.journeys[check.segment]?.milestones.find((m) => m.milestone === check.milestone);
  if (!entry || check.status === 'pending') return [];
  const achieved = check.status === 'achieved';
  const named =
    phase === 'due' ? (achieved ? entry.onAchieved : entry.onLate) : achieved ? [] : entry.onMissed;
  return named.flatMap((playId): PlaySelection[] => {
    const play = config.plays[playId];
    if (!play) return [];
    const struggling = play.kind === 'congratulate' ? strugglingBecause(situation) : null;
    return struggling
      ? [
          {
            selected: false,
            playId,
            play,
            reason: 'struggling',
            detail: `congratulation withheld: ${struggling}`,
          },
        ]
      : [{ selected: true, playId, play }];
  });
}
