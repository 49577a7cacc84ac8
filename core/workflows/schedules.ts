import { DAY_MS } from '#core/clock';

/**
 * When the scheduled runs happen, in UTC: the deployment's EventBridge schedules and the local engine (the same
 * runs on a virtual or the wall clock) read them here.
 */
export const DAILY_HEALTH_PASS_HOUR_UTC = 5;
/** Mondays 07:00 UTC, ahead of the regions' weekly cross-functional meetings. */
export const WEEKLY_DIGEST = { weekday: 1, hourUtc: 7 } as const;

export type ScheduledRunKind = 'daily-health-pass' | 'daily-notices' | 'regional-digest';

export interface ScheduledRun {
  at: Date;
  run: ScheduledRunKind;
}

/** The scheduled runs due in (from, to], in time order (a run at the same instant: passes before mail). */
export function scheduledRuns(from: Date, to: Date, dailyNoticeHourUtc: number): ScheduledRun[] {
  const runs: ScheduledRun[] = [];
  const firstDay = Math.floor(from.getTime() / DAY_MS);
  const lastDay = Math.floor(to.getTime() / DAY_MS);
  const order: Record<ScheduledRunKind, number> = {
    'daily-health-pass': 0,
    'regional-digest': 1,
    'daily-notices': 2,
  };
  for (let day = firstDay; day <= lastDay; day++) {
    const midnight = day * DAY_MS;
    const candidates: ScheduledRun[] = [
      { at: new Date(midnight + DAILY_HEALTH_PASS_HOUR_UTC * 3_600_000), run: 'daily-health-pass' },
      { at: new Date(midnight + dailyNoticeHourUtc * 3_600_000), run: 'daily-notices' },
    ];
    if (new Date(midnight).getUTCDay() === WEEKLY_DIGEST.weekday) {
      candidates.push({ at: new Date(midnight + WEEKLY_DIGEST.hourUtc * 3_600_000), run: 'regional-digest' });
    }
    for (const run of candidates) {
      if (run.at.getTime() > from.getTime() && run.at.getTime() <= to.getTime()) runs.push(run);
    }
  }
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime() || order[a.run] - order[b.run]);
}
