import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { Timer } from '#core/workflows/timers';
import { milestoneCheckTimes, type Phase } from './milestone-status.ts';

export const journeyTimerRef = (milestone: string, phase: Phase) => `${milestone}.${phase}`;
/** One retry pointer per milestone check: deferring again moves it. */
export const deferredTimerRef = (milestone: string, phase: Phase) => `${milestone}.${phase}.deferred`;

/** The milestone checks of an account's journey still ahead of `now`, as timers (DESIGN decision 3). */
export function journeyTimers(config: Config, account: AccountInput, now: Date): Timer[] {
  return milestoneCheckTimes(config, account)
    .filter((check) => check.at > now.toISOString())
    .map((check) => ({
      kind: 'journey_milestone',
      accountId: account.id,
      ref: journeyTimerRef(check.milestone, check.phase),
      dueAt: check.at,
      payload: { milestone: check.milestone, phase: check.phase },
    }));
}

export function deferredJourneyTimer(accountId: string, milestone: string, phase: Phase, at: string): Timer {
  return {
    kind: 'journey_milestone',
    accountId,
    ref: deferredTimerRef(milestone, phase),
    dueAt: at,
    payload: { milestone, phase },
  };
}
