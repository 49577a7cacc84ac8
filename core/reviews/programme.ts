import type { CadenceEntry, SegmentProgramme } from '#config/reviews-schema';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { assignSegment } from '#core/health/segmentation';
import { REVIEW_INVITATION_PLAY } from '#core/workflows/review-invitation';
import type { Timer } from '#core/workflows/timers';
import { addDays, addMonths } from './calendar.ts';

/**
 * The review programme's calendar (config.reviews): for each cadence entry of the account's segment, and each journey
 * EBR, the next review whose invitation day is still ahead, as a `review` timer due on that invitation day. Reviews
 * count from the contract's start date (or go-live), never from the renewal date, so a renewal that moves moves none.
 */

/** One kind of programme review: a cadence entry, or a journey EBR (`journey.<milestone>`). */
export type ProgrammeEntry = Pick<CadenceEntry, 'id' | 'kind' | 'format' | 'play'>;

export const reviewTimerRef = (entryId: string) => `review.${entryId}`;
/** A timer of the programme's calendar (`review.<entry>`), not a retry nor a reschedule's update. */
export const isProgrammeTimerRef = (ref: string) => ref.startsWith('review.') && !ref.endsWith('.retry');
/** One retry pointer per entry for invitations restraint deferred: deferring again moves it. */
export const reviewRetryRef = (entryId: string) => `review.${entryId}.retry`;
const journeyEntryId = (milestone: string) => `journey.${milestone}`;

/** A programme review's id: its entry and day (`cadence.acr.20270901`); never ends in a renewal date. */
export const programmeReviewId = (entryId: string, reviewDate: string) =>
  `cadence.${entryId}.${reviewDate.replace(/-/g, '')}`;

export function programmeOf(
  config: Config,
  account: AccountInput,
): { segment: string; programme: SegmentProgramme } | null {
  const { segment } = assignSegment(config, account);
  const programme = config.reviews.segments[segment];
  return programme ? { segment, programme } : null;
}

/** The entry an id names in the account's programme today; null when the programme no longer has it. */
export function programmeEntry(
  config: Config,
  account: AccountInput,
  entryId: string,
): ProgrammeEntry | null {
  const found = programmeOf(config, account);
  if (!found) return null;
  const milestone = entryId.startsWith('journey.') ? entryId.slice('journey.'.length) : undefined;
  if (milestone !== undefined) {
    return found.programme.journeyEbrs.includes(milestone)
      ? { id: entryId, kind: 'ebr', format: 'meeting', play: REVIEW_INVITATION_PLAY }
      : null;
  }
  return found.programme.cadence.find((entry) => entry.id === entryId) ?? null;
}

function inviteAt(config: Config, programme: SegmentProgramme, reviewDate: string): number {
  const hour = String(config.reviews.inviteHourUtc).padStart(2, '0');
  return Date.parse(`${addDays(reviewDate, -programme.leadDays)}T${hour}:00:00Z`);
}

const timer = (accountId: string, entryId: string, reviewDate: string, at: number): Timer => ({
  kind: 'review',
  accountId,
  ref: reviewTimerRef(entryId),
  dueAt: new Date(at).toISOString(),
  payload: { entry: entryId, reviewDate },
});

/** Bounded: a cadence of one month looked at over a century. */
const MAX_OCCURRENCES = 1200;

/** The next review of each programme entry whose invitation time is after `after`. */
export function programmeTimers(config: Config, account: AccountInput, after: Date): Timer[] {
  const found = programmeOf(config, account);
  if (!found) return [];
  const { programme } = found;
  const anchor = programme.anchor === 'go_live' ? account.goLiveDate : account.contract.startDate;
  const timers: Timer[] = [];
  for (const entry of programme.cadence) {
    for (let k = 0; k < MAX_OCCURRENCES; k++) {
      const reviewDate = addMonths(anchor, entry.offsetMonths + k * entry.everyMonths);
      const at = inviteAt(config, programme, reviewDate);
      if (at > after.getTime()) {
        timers.push(timer(account.id, entry.id, reviewDate, at));
        break;
      }
    }
  }
  // The meeting is held on the baseline's own day (seed 004: Day 90 and Day 270), not on a segment's later due day
  // for the value itself: the EBR is where a slower rollout's progress is reviewed.
  const milestones = config.journeyBaseline.milestones;
  for (const id of programme.journeyEbrs) {
    const milestone = milestones.find((m) => m.id === id);
    if (!milestone) continue; // refused by the config checks
    const reviewDate = addDays(account.goLiveDate, milestone.dueDay);
    const at = inviteAt(config, programme, reviewDate);
    if (at > after.getTime()) timers.push(timer(account.id, journeyEntryId(id), reviewDate, at));
  }
  return timers;
}
